# cmake/xlsx.cmake — owned by the xlsx stage; empty until it lands.
