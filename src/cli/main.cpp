#include "cli/cli.h"

int main(int argc, char** argv) { return da::RunCli(argc, argv); }
