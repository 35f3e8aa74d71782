// What the key store's backends share: how a key's dataset scope is stored (a JSON array of
// names, NULL for every dataset).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace da::server {

// The stored text of a scope (nullopt: the column is NULL).
std::optional<std::string> DatasetsColumn(const std::optional<std::vector<std::string>>& datasets);
// A stored scope read back. An unreadable value scopes the key to nothing (fail closed) rather
// than to everything.
std::optional<std::vector<std::string>> ParseDatasetsColumn(const std::optional<std::string>& column);

}  // namespace da::server
