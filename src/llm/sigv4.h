// AWS Signature Version 4 (HMAC-SHA256) for signing Bedrock requests, following
// docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html.
// Non-S3 rules: the path as sent is URI-encoded once more in the canonical request (a
// Bedrock model id "a:0" travels as "a%3A0" and is signed as "a%253A0"); the path is not
// normalised (no "." or ".." segments are removed).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "llm/http_client.h"

namespace da::llm {

// Never printed: nothing in this layer formats a Credentials into a message.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // where they came from ("AWS_ACCESS_KEY_ID", "profile 'dev' in ..."): not secret
};

// The parts of a request that are signed.
struct CanonicalInput {
  std::string method;   // "POST"
  std::string path;     // as sent on the request line, e.g. "/model/a%3A0/converse"; "" means "/"
  std::string query;    // raw, without '?'
  HttpHeaders headers;  // exactly the headers to sign, host and x-amz-date included
  std::string payload;
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "content-type;host;x-amz-date"
  std::string signature;       // lowercase hex
  std::string authorization;   // the Authorization header's value
};

// Computes the signature of `input` for `region`/`service` at `amz_date` ("20150830T123600Z").
SigV4Signature ComputeSigV4(const CanonicalInput& input, const AwsCredentials& credentials,
                            const std::string& region, const std::string& service,
                            const std::string& amz_date);

// Signs `request` in place for the time `now`: adds host, x-amz-date and (for session
// credentials) x-amz-security-token, signs them with every header already present, and adds
// Authorization. Headers added later (by libcurl: User-Agent, Content-Length) are unsigned.
void SignRequest(HttpRequest& request, const AwsCredentials& credentials, const std::string& region,
                 const std::string& service, std::chrono::system_clock::time_point now);

// "20150830T123600Z" (UTC).
std::string AmzDate(std::chrono::system_clock::time_point time);
std::string Sha256Hex(std::string_view data);
// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - _ . ~ (and '/' when keep_slash).
std::string UriEncode(std::string_view text, bool keep_slash);

}  // namespace da::llm
