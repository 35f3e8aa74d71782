#include "llm/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "common/strings.h"

namespace da::llm {

namespace {

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Lowercase names, values trimmed with inner runs of spaces collapsed, sorted by name;
// repeated names are joined with commas.
std::map<std::string, std::string> CanonicalHeaders(const HttpHeaders& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, raw] : headers) {
    std::string value;
    for (char c : Trim(raw)) {
      if (c == ' ' && !value.empty() && value.back() == ' ') continue;
      value.push_back(c);
    }
    std::string key = ToLower(Trim(name));
    auto [it, inserted] = out.emplace(key, value);
    if (!inserted) it->second += "," + value;
  }
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string& part : Split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string key = part.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    params.emplace_back(UriEncode(PercentDecode(key), false), UriEncode(PercentDecode(value), false));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out += '&';
    out += key + "=" + value;
  }
  return out;
}

}  // namespace

std::string UriEncode(std::string_view text, bool keep_slash) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || (c == '/' && keep_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 15]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string AmzDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

SigV4Signature ComputeSigV4(const CanonicalInput& input, const AwsCredentials& credentials,
                            const std::string& region, const std::string& service,
                            const std::string& amz_date) {
  SigV4Signature sig;
  std::string canonical_headers;
  for (const auto& [name, value] : CanonicalHeaders(input.headers)) {
    canonical_headers += name + ":" + value + "\n";
    if (!sig.signed_headers.empty()) sig.signed_headers += ';';
    sig.signed_headers += name;
  }
  std::string path = input.path.empty() ? "/" : input.path;
  sig.canonical_request = input.method + "\n" + UriEncode(path, true) + "\n" +
                          CanonicalQuery(input.query) + "\n" + canonical_headers + "\n" +
                          sig.signed_headers + "\n" + Sha256Hex(input.payload);
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  sig.string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(sig.canonical_request);
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  std::string mac = HmacSha256(key, sig.string_to_sign);
  sig.signature = Hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
  sig.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                      ", SignedHeaders=" + sig.signed_headers + ", Signature=" + sig.signature;
  return sig;
}

void SignRequest(HttpRequest& request, const AwsCredentials& credentials, const std::string& region,
                 const std::string& service, std::chrono::system_clock::time_point now) {
  std::string amz_date = AmzDate(now);
  request.headers.emplace_back("host", UrlHost(request.url));
  request.headers.emplace_back("x-amz-date", amz_date);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  size_t scheme = request.url.find("://");
  size_t path_start = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string target = path_start == std::string::npos ? "/" : request.url.substr(path_start);
  size_t question = target.find('?');
  CanonicalInput input;
  input.method = request.method;
  input.path = target.substr(0, question);
  input.query = question == std::string::npos ? "" : target.substr(question + 1);
  input.headers = request.headers;
  input.payload = request.body;
  request.headers.emplace_back(
      "Authorization", ComputeSigV4(input, credentials, region, service, amz_date).authorization);
}

}  // namespace da::llm
