// SigV4 against AWS's published examples: the IAM ListUsers walkthrough in the IAM user guide
// and cases from the aws-sig-v4-test-suite (credentials AKIDEXAMPLE, 20150830T123600Z,
// us-east-1, service "service").
#include "llm/sigv4.h"

#include <gtest/gtest.h>

namespace da::llm {
namespace {

const AwsCredentials kExample{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", ""};
constexpr char kDate[] = "20150830T123600Z";

// A test-suite request: host example.amazonaws.com plus X-Amz-Date, nothing else.
SigV4Signature Suite(const std::string& method, const std::string& path, const std::string& query) {
  CanonicalInput input;
  input.method = method;
  input.path = path;
  input.query = query;
  input.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}};
  return ComputeSigV4(input, kExample, "us-east-1", "service", kDate);
}

TEST(SigV4Test, IamListUsersExampleFromTheDocs) {
  CanonicalInput input;
  input.method = "GET";
  input.path = "/";
  input.query = "Action=ListUsers&Version=2010-05-08";
  input.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                   {"Host", "iam.amazonaws.com"},
                   {"X-Amz-Date", kDate}};
  SigV4Signature sig = ComputeSigV4(input, kExample, "us-east-1", "iam", kDate);
  EXPECT_EQ(sig.canonical_request,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(sig.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(sig.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4Test, SuiteGetVanilla) {
  SigV4Signature sig = Suite("GET", "/", "");
  EXPECT_EQ(sig.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(sig.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(sig.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, SuitePostVanilla) {
  SigV4Signature sig = Suite("POST", "/", "");
  EXPECT_EQ(sig.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87");
  EXPECT_EQ(sig.signature, "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
}

TEST(SigV4Test, SuiteQueryParametersAreSorted) {
  SigV4Signature sig = Suite("GET", "/", "Param2=value2&Param1=value1");
  EXPECT_NE(sig.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(sig.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Test, SuiteSingleQueryParameter) {
  EXPECT_EQ(Suite("GET", "/", "Param1=value1").signature,
            "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb");
  EXPECT_EQ(Suite("POST", "/", "Param1=value1").signature,
            "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11");
}

TEST(SigV4Test, SuiteUtf8AndSpaceInPath) {
  EXPECT_EQ(Suite("GET", "/\xE1\x88\xB4", "").signature,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85");
  EXPECT_EQ(Suite("GET", "/example space/", "").signature,
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741");
}

TEST(SigV4Test, HeaderNamesAreLowercasedSortedAndValuesTrimmed) {
  CanonicalInput input;
  input.method = "POST";
  input.path = "/";
  input.headers = {{"X-Amz-Date", kDate}, {"My-Header1", "  a   b   c  "}, {"HOST", "example.amazonaws.com"}};
  SigV4Signature sig = ComputeSigV4(input, kExample, "us-east-1", "service", kDate);
  EXPECT_NE(sig.canonical_request.find("host:example.amazonaws.com\nmy-header1:a b c\nx-amz-date:"),
            std::string::npos);
  EXPECT_EQ(sig.signed_headers, "host;my-header1;x-amz-date");
}

TEST(SigV4Test, BedrockModelIdIsEncodedAgainInTheCanonicalPath) {
  CanonicalInput input;
  input.method = "POST";
  input.path = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse";
  input.headers = {{"host", "bedrock-runtime.us-east-1.amazonaws.com"}, {"x-amz-date", kDate}};
  SigV4Signature sig = ComputeSigV4(input, kExample, "us-east-1", "bedrock", kDate);
  EXPECT_TRUE(sig.canonical_request.starts_with(
      "POST\n/model/anthropic.claude-3-haiku-20240307-v1%253A0/converse\n\n"));
}

TEST(SigV4Test, SignRequestAddsDateHostTokenAndAuthorization) {
  HttpRequest request;
  request.url = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/m%3A0/converse";
  request.headers = {{"content-type", "application/json"}};
  request.body = "{}";
  AwsCredentials session{"ASIAEXAMPLE", "secret", "session-token-value", ""};
  auto when = std::chrono::system_clock::from_time_t(1440938160);  // 2015-08-30T12:36:00Z
  SignRequest(request, session, "eu-west-1", "bedrock", when);
  std::map<std::string, std::string> headers(request.headers.begin(), request.headers.end());
  EXPECT_EQ(headers["x-amz-date"], kDate);
  EXPECT_EQ(headers["host"], "bedrock-runtime.eu-west-1.amazonaws.com");
  EXPECT_EQ(headers["x-amz-security-token"], "session-token-value");
  EXPECT_TRUE(headers["Authorization"].starts_with(
      "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/eu-west-1/bedrock/aws4_request, "
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="));
  EXPECT_EQ(headers["Authorization"].find("secret,"), std::string::npos);
}

TEST(SigV4Test, HelpersFormatAsAwsExpects) {
  EXPECT_EQ(AmzDate(std::chrono::system_clock::from_time_t(1440938160)), kDate);
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(UriEncode("a:b/c d~", false), "a%3Ab%2Fc%20d~");
  EXPECT_EQ(UriEncode("/a b/", true), "/a%20b/");
}

}  // namespace
}  // namespace da::llm
