# cmake/doc.cmake — owned by the doc stage; empty until it lands.
