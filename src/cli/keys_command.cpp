// `dataanalyst keys`: the server's API keys, wherever the config puts them (<data-dir>/server.db,
// or the PostgreSQL its "keys" section names, shared by several servers).
//
//   keys create --name N [--datasets a,b] [--admin] [--rate-limit PER_MINUTE]
//     Makes a key and prints its secret once; only a SHA-256 of it is stored.
//   keys [list]        every key, active and revoked, never a secret
//   keys revoke NAME   the key stops working at the server's next request
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/config_loading.h"
#include "cli/output.h"
#include "common/strings.h"
#include "server/api_keys.h"
#include "sources/dataset_store.h"

namespace da {

namespace {

using nlohmann::json;
using server::ApiKey;
using server::KeyStore;

constexpr const char* kKeysUsage =
    "usage: dataanalyst keys create --name NAME [--datasets a,b] [--admin] [--rate-limit PER_MINUTE] | "
    "keys [list] | keys revoke NAME   [--data-dir DIR] [--config FILE] [--json]";

std::string DatasetsText(const ApiKey& key) {
  return key.datasets ? Join(*key.datasets, ",") : "(all)";
}

std::string RateText(const ApiKey& key) {
  if (!key.rate_limit_per_minute) return "default";
  return *key.rate_limit_per_minute == 0 ? "unlimited" : std::to_string(*key.rate_limit_per_minute) + "/min";
}

// The key's fields from the flags; usage errors for malformed values.
Result<server::NewKey> NewKeyFromArgs(const Args& args) {
  server::NewKey key;
  key.name = args.Get("name");
  key.admin = args.Has("admin");
  if (args.Has("datasets")) {
    std::vector<std::string> names;
    for (const auto& part : Split(args.Get("datasets"), ',')) {
      const std::string_view name = Trim(part);
      if (!name.empty()) names.emplace_back(name);
    }
    key.datasets = std::move(names);
  }
  if (args.Has("rate-limit")) {
    DA_ASSIGN_OR_RETURN(int64_t rate, args.GetInt("rate-limit", 0, 0, 1'000'000));
    key.rate_limit_per_minute = static_cast<int>(rate);
  }
  return key;
}

// A key may be made before its datasets are uploaded; say so, in case it is a typo.
void WarnAboutMissingDatasets(const std::filesystem::path& data_dir, const ApiKey& key) {
  if (!key.datasets) return;
  DatasetStore datasets(data_dir);
  for (const auto& name : *key.datasets) {
    auto info = datasets.Get(name);
    if (!info.ok() && info.status().code() == Status::Code::kNotFound) {
      std::fprintf(stderr, "warning: there is no dataset '%s' yet; the key will see it once it is uploaded\n",
                   name.c_str());
    }
  }
}

int Create(KeyStore& store, const Args& args, const std::filesystem::path& data_dir, bool as_json) {
  if (!args.Has("name") || args.positionals().size() != 1) {
    return ReportError(Status::InvalidArgument(kKeysUsage), as_json, true);
  }
  auto fields = NewKeyFromArgs(args);
  if (!fields.ok()) return ReportError(fields.status(), as_json, true);
  auto made = store.Create(*fields);
  if (!made.ok()) {
    return ReportError(made.status(), as_json, made.status().code() == Status::Code::kInvalidArgument);
  }
  const auto& [key, secret] = *made;
  WarnAboutMissingDatasets(data_dir, key);
  if (as_json) {
    PrintJson({{"key", key.ToJson()}, {"secret", secret}});
    return kExitOk;
  }
  std::printf("Created %skey '%s' (datasets: %s; rate limit: %s).\n", key.admin ? "admin " : "", key.name.c_str(),
              DatasetsText(key).c_str(), RateText(key).c_str());
  std::printf("%s\n", secret.c_str());
  std::printf("This secret will not be shown again: keep it now. Send it as X-Api-Key or Authorization: Bearer.\n");
  return kExitOk;
}

int List(const KeyStore& store, bool as_json) {
  auto keys = store.List();
  if (!keys.ok()) return ReportError(keys.status(), as_json);
  if (as_json) {
    json list = json::array();
    for (const auto& key : *keys) list.push_back(key.ToJson());
    PrintJson({{"keys", list}, {"store", {{"kind", store.kind()}, {"location", store.description()}}}});
    return kExitOk;
  }
  std::printf("keys in %s\n", store.description().c_str());
  if (keys->empty()) {
    std::printf("no API keys; make one with `dataanalyst keys create --name NAME`\n");
    return kExitOk;
  }
  std::printf("%-24s %-5s %-9s %-10s %-20s %-20s %s\n", "NAME", "ADMIN", "STATUS", "RATE", "CREATED", "LAST USED",
              "DATASETS");
  for (const auto& key : *keys) {
    std::printf("%-24s %-5s %-9s %-10s %-20s %-20s %s\n", key.name.c_str(), key.admin ? "yes" : "no",
                key.revoked ? "revoked" : "active", RateText(key).c_str(), key.created_at.c_str(),
                key.last_used_at.empty() ? "never" : key.last_used_at.c_str(), DatasetsText(key).c_str());
  }
  return kExitOk;
}

int Revoke(KeyStore& store, const std::string& name, bool as_json) {
  if (Status s = store.Revoke(name); !s.ok()) return ReportError(s, as_json);
  if (as_json) {
    PrintJson({{"revoked", name}});
  } else {
    std::printf("Revoked key '%s': it is refused from the next request on.\n", name.c_str());
  }
  return kExitOk;
}

}  // namespace

int KeysCommand(const Words& words) {
  FlagSpec spec;
  spec.with_value = {"data-dir", "config", "name", "datasets", "rate-limit"};
  spec.boolean = {"json", "admin"};
  auto args = Args::Parse(words, spec);
  const bool as_json = args.ok() && args->Has("json");
  if (!args.ok()) return ReportError(args.status(), as_json, true);
  const auto& p = args->positionals();
  const std::string action = p.empty() ? "list" : p[0];
  const bool create = action == "create";
  const bool valid = create || (action == "list" && p.size() <= 1) || (action == "revoke" && p.size() == 2);
  const bool stray_flags = !create && (args->Has("name") || args->Has("datasets") || args->Has("admin") ||
                                       args->Has("rate-limit"));
  if (!valid || stray_flags) return ReportError(Status::InvalidArgument(kKeysUsage), as_json, true);
  const std::filesystem::path data_dir = DatasetStore::ResolveDataDir(args->Get("data-dir"));
  auto config = LoadOptionalConfig(*args, llm::Environment::Process(), data_dir);
  if (!config.ok()) return ReportError(config.status(), as_json);
  auto store = server::OpenKeyStore(data_dir, *config ? (*config)->keys : llm::KeysConfig());
  if (!store.ok()) return ReportError(store.status(), as_json);
  if (create) return Create(**store, *args, data_dir, as_json);
  if (action == "revoke") return Revoke(**store, p[1], as_json);
  return List(**store, as_json);
}

}  // namespace da
