# cmake/pdf.cmake — owned by the pdf stage; empty until it lands.
