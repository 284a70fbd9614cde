# cmake/font.cmake — owned by the font stage; empty until it lands.
