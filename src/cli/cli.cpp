#include "cli/cli.h"

#include <cstdio>

namespace da {

int RunCli(int argc, char** argv) {
  std::fprintf(stderr, "dataanalyst: not yet wired\n");
  return 2;
}

}  // namespace da
