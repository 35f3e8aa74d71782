#include "cli/cli.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/output.h"

namespace da {

namespace {

constexpr const char* kUsage = R"(dataanalyst — ask questions of your data

Usage:
  dataanalyst ingest PATH --dataset NAME   load a CSV/TSV, ZIP of CSV folders, .xlsx or SQLite file
        [--metadata FILE]...               descriptions in the original platform's CSV/XLSX format
        [--max-rejected N]                 accept up to N malformed rows (default 0: fail on the first)
  dataanalyst connect NAME --postgres URL  ask questions of a live PostgreSQL database, read-only
        [--redshift URL instead]           Amazon Redshift (PostgreSQL protocol, port 5439)
        [--schema public]                  the schema whose tables and views the dataset shows
        [--password-env VAR | --password-file FILE]  never a password in the URL (it is stored)
  dataanalyst schema NAME                  tables, columns, types, statistics and keys
        [--refresh]                        connected datasets: read the database's catalog again
  dataanalyst sql NAME "SELECT ..."        run read-only SQL through the guard
        [--csv] [--max-rows N] [--timeout SECONDS]
  dataanalyst ask NAME "question"          answer a plain-English question (built-in engine, memory,
        [--max-rows N] [--timeout SECONDS]   and the LLM when one is configured)
        [--min-confidence X] [--config FILE]
        [--conversation ID]                keep context: "and for 2011?" refines the previous question
        [--no-memory]                      neither answer from nor remember in the memory
  dataanalyst feedback NAME --approve|--reject [ANSWER_ID]
        [--question "text"] [--sql "SQL"]  approve (optionally correcting the SQL) or reject an answer;
        [--notes "text"]                   approved answers become examples and answer paraphrases
  dataanalyst examples NAME [list]         approved examples of a dataset
        import FILE | export FILE          as JSONL ({"question","sql","notes"}) or XLSX (question, query)
        remove ID
  dataanalyst config show | check          the LLM configuration (secrets shown only as set/unset);
        [--config FILE]                    check sends each configured model a tiny request
  dataanalyst datasets [list | remove NAME]
  dataanalyst serve                        the REST API (docs/api.md) and the web page on one port
        [--host 127.0.0.1] [--port 8080]   loopback by default; --port 0 picks a free port
        [--no-auth]                        loopback only: every request is an admin (says so loudly)
        [--rate-limit PER_MINUTE]          per key (default 600; 0: none) [--max-upload-mb N]
        [--max-rows N] [--timeout SECONDS] [--web-dir DIR] [--threads N] [--config FILE] [--no-memory]
  dataanalyst keys create --name NAME      an API key for the server, printed once (only its hash is kept)
        [--datasets a,b] [--admin]         scoped to datasets (default: all); admin manages data and keys
        [--rate-limit PER_MINUTE]          requests a minute (0: unlimited; default: the server's)
  dataanalyst keys [list] | revoke NAME    keys and their scopes (never secrets) | stop a key
  dataanalyst eval BENCH.json --db-dir DIR score the question engine on a Spider-format question set
        [--tables tables.json] [--pred-out FILE] [--db DB_ID] [--limit N]
        [--timeout SECONDS] [--max-rows N] [--min-confidence X]
  dataanalyst help | --version

Common options:
  --data-dir DIR   where datasets live (default: $DATAANALYST_HOME, else ./data)
  --json           machine-readable output; errors become {"error":{"code","message"}}
)";

}  // namespace

int RunCli(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "help" || words[0] == "--help" || words[0] == "-h") {
    std::fputs(kUsage, words.empty() ? stderr : stdout);
    return words.empty() ? kExitUsage : kExitOk;
  }
  if (words[0] == "--version" || words[0] == "version") {
    std::printf("dataanalyst %s\n", DA_VERSION);
    return kExitOk;
  }
  const std::string command = words[0];
  const Words rest(words.begin() + 1, words.end());
  if (command == "ingest") return IngestCommand(rest);
  if (command == "schema") return SchemaCommand(rest);
  if (command == "connect") return ConnectCommand(rest);
  if (command == "sql") return SqlCommand(rest);
  if (command == "datasets") return DatasetsCommand(rest);
  if (command == "eval") return EvalCommand(rest);
  if (command == "ask") return AskCommand(rest);
  if (command == "config") return ConfigCommand(rest);
  if (command == "feedback") return FeedbackCommand(rest);
  if (command == "examples") return ExamplesCommand(rest);
  if (command == "serve") return ServeCommand(rest);
  if (command == "keys") return KeysCommand(rest);
  std::fprintf(stderr, "error: unknown command '%s'\n%s", command.c_str(), kUsage);
  return kExitUsage;
}

}  // namespace da
