#include "ask/ask_models.h"

#include <map>

#include "llm/model_factory.h"

namespace da {

Result<LoadedModels> LoadAskModels(std::optional<llm::LlmConfig> config, const llm::Environment& env) {
  LoadedModels loaded;
  loaded.config = std::move(config);
  if (!loaded.config) return loaded;
  std::map<const llm::ModelConfig*, llm::ChatModel*> built;
  auto role = [&](llm::ModelRole r, RoleModel& out) -> Status {
    const llm::ModelConfig* mc = loaded.config->ForRole(r);
    if (mc == nullptr) return Status::Ok();
    if (!built.count(mc)) {
      DA_ASSIGN_OR_RETURN(auto model, llm::MakeChatModel(*mc, env));
      built[mc] = model.get();
      loaded.owned.push_back(std::move(model));
    }
    out.model = built[mc];
    out.max_tokens = mc->max_tokens;
    out.temperature = mc->temperature;
    return Status::Ok();
  };
  DA_RETURN_IF_ERROR(role(llm::ModelRole::kSql, loaded.models.sql));
  DA_RETURN_IF_ERROR(role(llm::ModelRole::kChat, loaded.models.chat));
  DA_RETURN_IF_ERROR(role(llm::ModelRole::kExplanation, loaded.models.explanation));
  return loaded;
}

}  // namespace da
