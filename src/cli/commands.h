// One function per `dataanalyst` subcommand. Each takes the words after the command name,
// writes its output to stdout and errors to stderr (or, with --json, an error object to
// stdout), and returns the exit code: 0 ok, 1 failed, 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace da {

using Words = std::vector<std::string>;

int IngestCommand(const Words& words);
int SchemaCommand(const Words& words);
int SqlCommand(const Words& words);
int DatasetsCommand(const Words& words);
int EvalCommand(const Words& words);
int AskCommand(const Words& words);
int ConfigCommand(const Words& words);
int FeedbackCommand(const Words& words);
int ExamplesCommand(const Words& words);
int ServeCommand(const Words& words);
int KeysCommand(const Words& words);
int ConnectCommand(const Words& words);
// `schema NAME --refresh`: reads a connected dataset's catalog again (connect_command.cpp).
int RefreshSchema(const std::string& name, const std::string& data_dir, bool json);

}  // namespace da
