// `dataanalyst keys` with the real binary: the secret printed once (and working), listed never,
// revoked for good; usage errors exit 2 and failures 1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>

#include "server/api_keys.h"
#include "test_util.h"

namespace da::testing {
namespace {

using nlohmann::json;

class KeysCliTest : public ::testing::Test {
 protected:
  CommandResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), "keys");
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCli(args);
  }
  json Json(std::vector<std::string> args, int expected_exit = 0) {
    args.insert(args.begin(), "keys");
    args.insert(args.end(), {"--data-dir", data_.path().string()});
    return RunCliJson(args, expected_exit);
  }
  // The secret a `keys create` printed, authenticated against the key store as the server would.
  Result<server::ApiKey> Authenticate(const std::string& secret) {
    auto store = server::KeyStore::Open(data_.path());
    if (!store.ok()) return store.status();
    return (*store)->Authenticate(secret);
  }
  TempDir data_, inputs_;
};

TEST_F(KeysCliTest, CreatePrintsTheSecretOnceAndItAuthenticates) {
  CommandResult r = Run({"create", "--name", "analyst", "--datasets", "shop,sales", "--rate-limit", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("da_[A-Za-z0-9_-]{43}"))) << r.out;
  const std::string secret = m.str();
  EXPECT_NE(r.out.find("will not be shown again"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning: there is no dataset 'shop' yet"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'sales'"), std::string::npos) << r.err;
  auto key = Authenticate(secret);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->name, "analyst");
  EXPECT_EQ(key->datasets, (std::vector<std::string>{"shop", "sales"}));
  EXPECT_EQ(key->rate_limit_per_minute, 30);
  EXPECT_FALSE(key->admin);
}

TEST_F(KeysCliTest, CreateJsonGivesTheKeyAndItsSecret) {
  json made = Json({"create", "--name", "ops", "--admin", "--rate-limit", "0"});
  ASSERT_TRUE(made.contains("secret")) << made.dump();
  const std::string secret = made["secret"];
  EXPECT_TRUE(std::regex_match(secret, std::regex("da_[A-Za-z0-9_-]{43}")));
  EXPECT_EQ(made["key"]["name"], "ops");
  EXPECT_EQ(made["key"]["admin"], true);
  EXPECT_TRUE(made["key"]["datasets"].is_null());
  EXPECT_EQ(made["key"]["rate_limit_per_minute"], 0);
  EXPECT_EQ(made["key"]["revoked"], false);
  EXPECT_FALSE(made["key"].contains("secret"));
  EXPECT_TRUE(Authenticate(secret).ok());
}

TEST_F(KeysCliTest, ADatasetThatExistsGivesNoWarning) {
  WriteFile(inputs_.path() / "s.csv", "a,b\n1,2\n");
  CommandResult ingest = RunCli({"ingest", (inputs_.path() / "s.csv").string(), "--dataset", "shop", "--data-dir",
                                 data_.path().string()});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  CommandResult r = Run({"create", "--name", "k", "--datasets", "shop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST_F(KeysCliTest, ListShowsEveryKeyButNeverASecret) {
  const std::string a = Json({"create", "--name", "a", "--datasets", "shop"})["secret"];
  const std::string b = Json({"create", "--name", "b", "--admin"})["secret"];
  json listed = Json({"list"});
  ASSERT_EQ(listed["keys"].size(), 2u) << listed.dump();
  EXPECT_EQ(listed["keys"][0]["name"], "a");
  EXPECT_EQ(listed["keys"][0]["datasets"], json::array({"shop"}));
  EXPECT_EQ(listed["keys"][1]["admin"], true);
  CommandResult text = Run({"list"});
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("shop"), std::string::npos) << text.out;
  CommandResult bare = Run({});
  EXPECT_EQ(bare.exit_code, 0);
  EXPECT_EQ(bare.out, text.out);
  for (const auto& secret : {a, b}) {
    EXPECT_EQ(listed.dump().find(secret.substr(3)), std::string::npos);
    EXPECT_EQ(text.out.find(secret.substr(3)), std::string::npos);
    EXPECT_EQ(text.err.find(secret.substr(3)), std::string::npos);
  }
}

TEST_F(KeysCliTest, RevokeStopsTheKeyAndIsListed) {
  const std::string secret = Json({"create", "--name", "temp"})["secret"];
  CommandResult r = Run({"revoke", "temp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Revoked key 'temp'"), std::string::npos) << r.out;
  EXPECT_EQ(Authenticate(secret).status().code(), Status::Code::kNotFound);
  json listed = Json({"list"});
  EXPECT_EQ(listed["keys"][0]["revoked"], true);
  EXPECT_EQ(Json({"revoke", "temp"}, 1)["error"]["code"], "not_found");
  EXPECT_EQ(Json({"revoke", "never"}, 1)["error"]["code"], "not_found");
  EXPECT_EQ(Json({"create", "--name", "temp"})["key"]["revoked"], false) << "a revoked name can be reused";
}

TEST_F(KeysCliTest, ADuplicateActiveNameFails) {
  Json({"create", "--name", "dup"});
  json again = Json({"create", "--name", "dup"}, 1);
  EXPECT_EQ(again["error"]["code"], "already_exists");
}

TEST_F(KeysCliTest, UsageErrorsExitTwo) {
  const std::vector<std::vector<std::string>> bad = {
      {"create"},                                         // no --name
      {"create", "--name", "has space"},                  // invalid name
      {"create", "--name", "x", "--rate-limit", "fast"},  // not a number
      {"create", "--name", "x", "--rate-limit", "-1"},
      {"create", "--name", "x", "--datasets", "../etc"},
      {"create", "--name", "x", "--datasets", ","},       // no dataset at all
      {"create", "--name", "x", "--bogus"},
      {"create", "extra", "--name", "x"},
      {"revoke"},
      {"revoke", "a", "b"},
      {"list", "--name", "x"},
      {"rotate"},
  };
  for (const auto& args : bad) {
    CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << r.out << r.err;
  }
  EXPECT_TRUE(Json({"list"})["keys"].empty()) << "nothing was created";
}

}  // namespace
}  // namespace da::testing
