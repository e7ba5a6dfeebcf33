// The Catch2 implementation, compiled once for every test program (see tests/CMakeLists.txt).
// main() lives in main_core.cpp / main_gui.cpp, which create the right Qt application object first and
// then call minatoRunCatch() (Catch::Session is only declared where the implementation is compiled).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "catchrunner.h"

int minatoRunCatch(int argc, char *argv[])
{
    return Catch::Session().run(argc, argv);
}
