// `dataanalyst connect NAME --postgres URL` and `dataanalyst schema NAME --refresh`.
#include <unistd.h>

#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "common/progress_bar.h"
#include "sources/connect.h"

namespace da {

namespace {

constexpr const char* kConnectUsage =
    "usage: dataanalyst connect NAME --postgres URL | --redshift URL [--schema public] "
    "[--password-env VAR | --password-file FILE] [--data-dir DIR] [--json]";

std::string ReportText(const ConnectReport& report) {
  std::string out = "Connected dataset '" + report.info.name + "' (version " + std::to_string(report.info.version) +
                    ") to " + report.info.source + ", schema " + report.info.connection->schema + ": " +
                    std::to_string(report.tables) + " tables, " + std::to_string(report.views) + " views, read in " +
                    std::to_string(static_cast<int64_t>(report.elapsed_ms)) + " ms.\n";
  for (const std::string& w : report.warnings) out += "warning: " + w + "\n";
  out += "Queries run on the database itself, read-only. `dataanalyst schema " + report.info.name +
         " --refresh` reads its tables again.\n";
  return out;
}

int PrintReport(const Result<ConnectReport>& report, bool json) {
  if (!report.ok()) return ReportError(report.status(), json);
  if (json) {
    PrintJson(report->ToJson());
  } else {
    const std::string text = ReportText(*report);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  return kExitOk;
}

// Per-table progress on a terminal; nothing otherwise.
std::function<void(const std::string&, size_t, size_t)> ProgressFor(bool show) {
  if (!show) return {};
  return [](const std::string& table, size_t done, size_t total) {
    std::fprintf(stderr, "\rreading the catalog: %zu/%zu tables %-40.40s", done, total, table.c_str());
    if (done == total) std::fputs("\n", stderr);
  };
}

}  // namespace

int ConnectCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "postgres", "redshift", "schema", "password-env", "password-file",
                     "connect-timeout"};
  spec.boolean = {"json", "no-progress"};
  auto args = Args::Parse(words, spec);
  const bool json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), json, true);
  if (args->positionals().size() != 1 || args->Has("postgres") == args->Has("redshift")) {
    return ReportError(Status::InvalidArgument(kConnectUsage), json, true);
  }
  if (args->Has("password-env") && args->Has("password-file")) {
    return ReportError(Status::InvalidArgument("choose one of --password-env and --password-file"), json, true);
  }
  auto timeout = args->GetInt("connect-timeout", 10, 1, 3600);
  if (!timeout.ok()) return ReportError(timeout.status(), json, true);

  ConnectRequest request;
  request.name = args->positionals()[0];
  request.kind = args->Has("redshift") ? "redshift" : "postgres";
  request.connection.login.conninfo = args->Get(request.kind);
  request.connection.login.password_env = args->Get("password-env");
  request.connection.login.password_file = args->Get("password-file");
  request.connection.login.connect_timeout_seconds = static_cast<int>(*timeout);
  if (args->Has("schema")) request.connection.schema = args->Get("schema");
  request.progress = ProgressFor(!json && !args->Has("no-progress") && isatty(STDERR_FILENO));
  DatasetStore store(DatasetStore::ResolveDataDir(args->Get("data-dir")));
  return PrintReport(ConnectDataset(store, request), json);
}

int RefreshSchema(const std::string& name, const std::string& data_dir, bool json) {
  DatasetStore store(DatasetStore::ResolveDataDir(data_dir));
  return PrintReport(RefreshConnectedDataset(store, name), json);
}

}  // namespace da
