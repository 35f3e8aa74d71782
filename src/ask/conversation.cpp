#include "ask/conversation.h"

#include <fstream>
#include <iterator>
#include <system_error>

#include "common/file_util.h"
#include "common/strings.h"

namespace da {

namespace {

constexpr const char* kTurnFields[] = {"question", "resolved_question", "sql",
                                        "restatement", "dataset", "created_at"};

bool IdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

}  // namespace

nlohmann::json ConversationTurn::ToJson() const {
  return {{"question", question}, {"resolved_question", resolved_question}, {"sql", sql},
          {"restatement", restatement}, {"dataset", dataset}, {"created_at", created_at}};
}

Result<ConversationTurn> ConversationTurn::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Status::Corruption("a turn is not an object");
  for (const char* field : kTurnFields) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string()) {
      return Status::Corruption(std::string("a turn's \"") + field + "\" is missing or not a string");
    }
  }
  ConversationTurn t;
  t.question = j["question"];
  t.resolved_question = j["resolved_question"];
  t.sql = j["sql"];
  t.restatement = j["restatement"];
  t.dataset = j["dataset"];
  t.created_at = j["created_at"];
  return t;
}

const ConversationTurn* Conversation::LastAnsweredTurn(std::string_view dataset) const {
  for (auto it = turns.rbegin(); it != turns.rend(); ++it) {
    if (it->dataset == dataset && !it->sql.empty()) return &*it;
  }
  return nullptr;
}

ConversationStore::ConversationStore(std::filesystem::path data_dir) : dir_(std::move(data_dir) / "conversations") {}

Status ConversationStore::ValidateId(std::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxIdLength && id.front() != '.';
  for (char c : id) ok = ok && IdChar(c);
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid conversation id '" + std::string(id.substr(0, kMaxIdLength)) +
                                 "': use 1 to " + std::to_string(kMaxIdLength) +
                                 " letters, digits, '-', '_' or '.', not starting with '.'");
}

std::filesystem::path ConversationStore::PathOf(std::string_view id) const {
  return dir_ / (std::string(id) + ".json");
}

Result<Conversation> ConversationStore::Load(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return LoadLocked(id);
}

Result<Conversation> ConversationStore::LoadLocked(std::string_view id) const {
  DA_RETURN_IF_ERROR(ValidateId(id));
  Conversation conversation;
  conversation.id = std::string(id);
  const std::filesystem::path path = PathOf(id);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return conversation;
    return Status::IoError("cannot read " + path.string());
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto corrupt = [&path](const std::string& what) { return Status::Corruption(path.string() + ": " + what); };
  if (!j.is_object() || !j.contains("turns") || !j["turns"].is_array()) {
    return corrupt("not a conversation file (expected {\"id\", \"turns\": [...]})");
  }
  for (const auto& item : j["turns"]) {
    auto turn = ConversationTurn::FromJson(item);
    if (!turn.ok()) return corrupt(turn.status().message());
    conversation.turns.push_back(std::move(*turn));
  }
  return conversation;
}

Result<Conversation> ConversationStore::Append(std::string_view id, ConversationTurn turn) {
  std::lock_guard<std::mutex> lock(mu_);
  DA_ASSIGN_OR_RETURN(Conversation conversation, LoadLocked(id));
  if (turn.created_at.empty()) turn.created_at = NowIsoUtc();
  conversation.turns.push_back(std::move(turn));
  if (conversation.turns.size() > kMaxTurns) {
    conversation.turns.erase(conversation.turns.begin(),
                             conversation.turns.end() - static_cast<std::ptrdiff_t>(kMaxTurns));
  }
  nlohmann::json j = {{"id", conversation.id}, {"turns", nlohmann::json::array()}};
  for (const auto& t : conversation.turns) j["turns"].push_back(t.ToJson());
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create " + dir_.string() + ": " + ec.message());
  std::string text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  DA_RETURN_IF_ERROR(WriteFileAtomically(PathOf(id), text));
  return conversation;
}

Status ConversationStore::Remove(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  DA_RETURN_IF_ERROR(ValidateId(id));
  std::error_code ec;
  if (std::filesystem::remove(PathOf(id), ec)) return Status::Ok();
  if (ec) return Status::IoError("cannot remove " + PathOf(id).string() + ": " + ec.message());
  return Status::NotFound("no conversation '" + std::string(id) + "'");
}

}  // namespace da
