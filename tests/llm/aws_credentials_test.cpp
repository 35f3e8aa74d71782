#include "llm/aws_credentials.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace da::llm {
namespace {

using da::testing::TempDir;
using da::testing::WriteFile;

class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir / "credentials",
              "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = defaultsecret\n\n"
              "# a comment\n[analytics]\naws_access_key_id=AKIAANALYTICS\naws_secret_access_key=analyticssecret\n"
              "aws_session_token = analyticstoken\n");
    WriteFile(dir / "config",
              "[default]\nregion = us-east-2\n\n[profile analytics]\nregion = eu-west-1\n\n"
              "[profile sso]\naws_access_key_id = AKIAFROMCONFIG\naws_secret_access_key = configsecret\n");
  }
  Environment Env(std::map<std::string, std::string> vars) {
    vars.emplace("AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string());
    vars.emplace("AWS_CONFIG_FILE", (dir / "config").string());
    return Environment::FromMap(vars);
  }
  TempDir dir;
};

TEST_F(AwsCredentialsTest, EnvironmentVariablesComeFirst) {
  auto credentials = ResolveAwsCredentials(
      Env({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"}, {"AWS_SESSION_TOKEN", "envtoken"}}), "");
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKIAENV");
  EXPECT_EQ(credentials->secret_access_key, "envsecret");
  EXPECT_EQ(credentials->session_token, "envtoken");
  EXPECT_EQ(credentials->source, "AWS_ACCESS_KEY_ID");
}

TEST_F(AwsCredentialsTest, HalfAKeyPairIsAnErrorThatShowsNoValue) {
  auto credentials = ResolveAwsCredentials(Env({{"AWS_SECRET_ACCESS_KEY", "lonelysecret"}}), "");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(credentials.status().message(), "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
}

TEST_F(AwsCredentialsTest, ProfilesFromTheSharedCredentialsFile) {
  auto fallback = ResolveAwsCredentials(Env({}), "");
  ASSERT_TRUE(fallback.ok()) << fallback.status().ToString();
  EXPECT_EQ(fallback->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(fallback->session_token, "");

  auto named = ResolveAwsCredentials(Env({{"AWS_PROFILE", "analytics"}}), "");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->access_key_id, "AKIAANALYTICS");
  EXPECT_EQ(named->secret_access_key, "analyticssecret");
  EXPECT_EQ(named->session_token, "analyticstoken");
  EXPECT_EQ(named->source, "profile 'analytics' in " + (dir / "credentials").string());

  auto configured = ResolveAwsCredentials(Env({{"AWS_PROFILE", "analytics"}}), "default");  // config wins
  EXPECT_EQ(configured->access_key_id, "AKIADEFAULT");

  auto from_config = ResolveAwsCredentials(Env({}), "sso");
  ASSERT_TRUE(from_config.ok());
  EXPECT_EQ(from_config->access_key_id, "AKIAFROMCONFIG");
}

TEST_F(AwsCredentialsTest, HomeDirectoryIsTheDefaultLocation) {
  WriteFile(dir / ".aws/credentials", "[default]\naws_access_key_id=AKIAHOME\naws_secret_access_key=homesecret\n");
  auto credentials = ResolveAwsCredentials(Environment::FromMap({{"HOME", dir.path().string()}}), "");
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIAHOME");
}

TEST_F(AwsCredentialsTest, MissingProfileSaysWhereItLooked) {
  auto credentials = ResolveAwsCredentials(Env({}), "nobody");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.status().code(), Status::Code::kInvalidArgument);
  std::string message = credentials.status().message();
  EXPECT_NE(message.find("profile 'nobody'"), std::string::npos) << message;
  EXPECT_NE(message.find((dir / "credentials").string()), std::string::npos) << message;
}

TEST_F(AwsCredentialsTest, RegionPrecedence) {
  EXPECT_EQ(*ResolveAwsRegion(Env({{"AWS_REGION", "ap-south-1"}}), "us-west-2", ""), "us-west-2");
  EXPECT_EQ(*ResolveAwsRegion(Env({{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "sa-east-1"}}), "", ""),
            "ap-south-1");
  EXPECT_EQ(*ResolveAwsRegion(Env({{"AWS_DEFAULT_REGION", "sa-east-1"}}), "", ""), "sa-east-1");
  EXPECT_EQ(*ResolveAwsRegion(Env({}), "", ""), "us-east-2");
  EXPECT_EQ(*ResolveAwsRegion(Env({{"AWS_PROFILE", "analytics"}}), "", ""), "eu-west-1");
  auto none = ResolveAwsRegion(Env({}), "", "sso");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no AWS region"), std::string::npos);
}

}  // namespace
}  // namespace da::llm
