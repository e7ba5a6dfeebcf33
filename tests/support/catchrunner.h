#pragma once

// Runs the Catch2 session (implemented in catch_impl.cpp, compiled once).
int minatoRunCatch(int argc, char *argv[]);
