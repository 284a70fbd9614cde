# cmake/break.cmake — owned by the break stage; empty until it lands.
