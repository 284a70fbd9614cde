# cmake/e2e.cmake — owned by the e2e stage; empty until it lands.
