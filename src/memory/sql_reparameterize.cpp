#include "memory/sql_reparameterize.h"

namespace da {

Result<std::string> Reparameterize(std::string_view sql, const QuestionKey& cached, const QuestionKey& incoming) {
  return Status::Unsupported("not yet");
}

}  // namespace da
