// Where AWS credentials and the region come from, in the order the AWS CLI uses for the cases
// we support (static keys only: no SSO, credential_process, instance or container roles).
//
// Credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), else the
// profile (AWS_PROFILE, else "default") in the shared credentials file
// (AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials), else that profile in the config
// file (AWS_CONFIG_FILE, else $HOME/.aws/config, sections "[default]" / "[profile NAME]").
//
// Region: the one configured for the model, else AWS_REGION, else AWS_DEFAULT_REGION, else the
// profile's `region` in the config file.
#pragma once

#include <string>

#include "common/status.h"
#include "llm/environment.h"
#include "llm/sigv4.h"

namespace da::llm {

// `profile` empty: AWS_PROFILE, else "default". kInvalidArgument naming where we looked (never a
// key) when nothing is found or only half a key pair is.
Result<AwsCredentials> ResolveAwsCredentials(const Environment& env, const std::string& profile);

// kInvalidArgument when no region is configured anywhere.
Result<std::string> ResolveAwsRegion(const Environment& env, const std::string& configured,
                                     const std::string& profile);

}  // namespace da::llm
