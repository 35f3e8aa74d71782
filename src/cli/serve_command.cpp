// `dataanalyst serve`: the REST API and the web page (server/server.h, docs/api.md) until
// SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/output.h"
#include "server/server.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

constexpr const char* kUsage =
    "usage: dataanalyst serve [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--config FILE] [--no-auth] "
    "[--rate-limit PER_MINUTE] [--max-upload-mb N] [--max-rows N] [--timeout SECONDS] [--web-dir DIR] "
    "[--threads N] [--no-memory]";

// The built page beside the binary: <dir of the binary>/../web/dist (build/dataanalyst in a
// source tree). Empty when it is not there.
std::filesystem::path DefaultWebDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto dist = exe.parent_path().parent_path() / "web" / "dist";
  return std::filesystem::exists(dist / "index.html", ec) ? dist : std::filesystem::path();
}

Result<server::ServerOptions> OptionsFrom(const Args& args) {
  server::ServerOptions o;
  o.host = args.Get("host", "127.0.0.1");
  DA_ASSIGN_OR_RETURN(int64_t port, args.GetInt("port", 8080, 0, 65535));
  o.port = static_cast<int>(port);
  o.data_dir = DatasetStore::ResolveDataDir(args.Get("data-dir"));
  DA_ASSIGN_OR_RETURN(o.config, LoadOptionalConfig(args, o.env, o.data_dir));
  o.no_auth = args.Has("no-auth");
  DA_ASSIGN_OR_RETURN(int64_t rate, args.GetInt("rate-limit", 600, 0, 10'000'000));
  o.rate_limit_per_minute = static_cast<int>(rate);
  DA_ASSIGN_OR_RETURN(int64_t upload_mb, args.GetInt("max-upload-mb", 1024, 1, 1 << 20));
  o.max_upload_bytes = static_cast<size_t>(upload_mb) << 20;
  DA_ASSIGN_OR_RETURN(o.limits, LimitsFromArgs(args, 1000, 30));
  DA_ASSIGN_OR_RETURN(int64_t threads, args.GetInt("threads", 64, 2, 1024));
  o.threads = static_cast<int>(threads);
  o.memory = !args.Has("no-memory");
  o.web_dir = args.Has("web-dir") ? std::filesystem::path(args.Get("web-dir")) : DefaultWebDir();
  return o;
}

}  // namespace

int ServeCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"host", "port", "data-dir", "config", "rate-limit", "max-upload-mb", "max-rows",
                     "timeout", "web-dir", "threads"};
  spec.boolean = {"no-auth", "no-memory", "help"};
  auto args = Args::Parse(words, spec);
  if (args.ok() && args->Has("help")) {
    std::printf("%s\n", kUsage);
    return kExitOk;
  }
  if (!args.ok()) return ReportError(args.status(), false, true);
  if (!args->positionals().empty()) return ReportError(Status::InvalidArgument(kUsage), false, true);
  auto options = OptionsFrom(*args);
  if (!options.ok()) return ReportError(options.status(), false, true);
  const std::string host = options->host;
  const bool no_auth = options->no_auth;

  // Signals are taken by one thread (sigwait) so that stopping runs outside a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up is a failed write, not a dead server

  auto server = server::Server::Create(std::move(*options));
  if (!server.ok()) return ReportError(server.status(), false);
  if (Status s = (*server)->Start(); !s.ok()) return ReportError(s, false);
  std::printf("DataAnalyst is serving on http://%s:%d/%s\n", host.find(':') != std::string::npos ? ("[" + host + "]").c_str() : host.c_str(),
              (*server)->port(), no_auth ? "  (authentication is OFF: --no-auth)" : "");
  std::fflush(stdout);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*server)->Stop();
  });
  (*server)->Wait();
  pthread_kill(stopper.native_handle(), SIGTERM);  // wakes the sigwait if Wait ended otherwise
  stopper.join();
  return kExitOk;
}

}  // namespace da
