// The `dataanalyst` command line: parses arguments and dispatches to the subcommands.
#pragma once

namespace da {

// Returns the process exit code: 0 success, 1 the operation failed (message on stderr),
// 2 usage error.
int RunCli(int argc, char** argv);

}  // namespace da
