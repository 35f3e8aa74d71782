#include "llm/aws_credentials.h"

#include <fstream>
#include <map>

#include "common/strings.h"

namespace da::llm {

namespace {

using IniSection = std::map<std::string, std::string>;

// Parses an AWS INI file into sections; a missing file is empty.
std::map<std::string, IniSection> ReadIni(const std::string& path) {
  std::map<std::string, IniSection> sections;
  std::ifstream in(path);
  std::string line;
  IniSection* current = nullptr;
  while (std::getline(in, line)) {
    std::string_view text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      current = &sections[std::string(Trim(text.substr(1, text.size() - 2)))];
      continue;
    }
    size_t eq = text.find('=');
    if (current == nullptr || eq == std::string_view::npos) continue;
    (*current)[ToLower(Trim(text.substr(0, eq)))] = std::string(Trim(text.substr(eq + 1)));
  }
  return sections;
}

std::string ProfileName(const Environment& env, const std::string& profile) {
  if (!profile.empty()) return profile;
  return env.Get("AWS_PROFILE").value_or("default");
}

std::string AwsFile(const Environment& env, const char* override_var, const char* name) {
  if (auto path = env.Get(override_var)) return *path;
  return env.Get("HOME").value_or("") + "/.aws/" + name;
}

// The profile's section in the config file: "[default]" or "[profile NAME]".
IniSection ConfigProfile(const Environment& env, const std::string& profile) {
  auto sections = ReadIni(AwsFile(env, "AWS_CONFIG_FILE", "config"));
  auto it = sections.find(profile == "default" ? "default" : "profile " + profile);
  if (it == sections.end() && profile == "default") it = sections.find("profile default");
  return it == sections.end() ? IniSection{} : it->second;
}

Result<AwsCredentials> FromSection(const IniSection& section, const std::string& where) {
  auto get = [&](const char* key) {
    auto it = section.find(key);
    return it == section.end() ? std::string() : it->second;
  };
  AwsCredentials credentials{get("aws_access_key_id"), get("aws_secret_access_key"),
                             get("aws_session_token"), where};
  if (credentials.access_key_id.empty() != credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(where + " has only one of aws_access_key_id and aws_secret_access_key");
  }
  return credentials;
}

}  // namespace

Result<AwsCredentials> ResolveAwsCredentials(const Environment& env, const std::string& profile) {
  auto id = env.Get("AWS_ACCESS_KEY_ID");
  auto secret = env.Get("AWS_SECRET_ACCESS_KEY");
  if (id && secret) {
    return AwsCredentials{*id, *secret, env.Get("AWS_SESSION_TOKEN").value_or(""), "AWS_ACCESS_KEY_ID"};
  }
  if (id || secret) {
    return Status::InvalidArgument(std::string(id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                                   " is set but " + (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                                   " is not");
  }
  std::string name = ProfileName(env, profile);
  std::string credentials_file = AwsFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  auto sections = ReadIni(credentials_file);
  if (auto it = sections.find(name); it != sections.end()) {
    DA_ASSIGN_OR_RETURN(AwsCredentials found,
                        FromSection(it->second, "profile '" + name + "' in " + credentials_file));
    if (!found.access_key_id.empty()) return found;
  }
  DA_ASSIGN_OR_RETURN(AwsCredentials found,
                      FromSection(ConfigProfile(env, name), "profile '" + name + "' in " +
                                                                AwsFile(env, "AWS_CONFIG_FILE", "config")));
  if (!found.access_key_id.empty()) return found;
  return Status::InvalidArgument(
      "no AWS credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set and profile '" + name +
      "' has no aws_access_key_id in " + credentials_file + " or " +
      AwsFile(env, "AWS_CONFIG_FILE", "config"));
}

Result<std::string> ResolveAwsRegion(const Environment& env, const std::string& configured,
                                     const std::string& profile) {
  if (!configured.empty()) return configured;
  if (auto region = env.Get("AWS_REGION")) return *region;
  if (auto region = env.Get("AWS_DEFAULT_REGION")) return *region;
  std::string name = ProfileName(env, profile);
  IniSection section = ConfigProfile(env, name);
  if (auto it = section.find("region"); it != section.end() && !it->second.empty()) return it->second;
  return Status::InvalidArgument(
      "no AWS region: set \"region\" for the model, AWS_REGION, or region in profile '" + name +
      "' of " + AwsFile(env, "AWS_CONFIG_FILE", "config"));
}

}  // namespace da::llm
