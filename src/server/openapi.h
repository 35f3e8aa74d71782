// The OpenAPI 3.0 description of /api/v1, built from the server's route table (so a route
// cannot be served without being described) and the schemas of docs/api.md.
#pragma once

#include <nlohmann/json.hpp>

namespace da::server {

nlohmann::json OpenApiDocument();

}  // namespace da::server
