#include "guard/postgres_policy.h"

#include <algorithm>
#include <iterator>

#include "common/strings.h"
#include "guard/query_connection.h"

namespace da {

namespace {

using Kind = PgToken::Kind;

// ---- Lexer ------------------------------------------------------------------------------------

bool IsIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsIdentChar(unsigned char c) { return IsIdentStart(c) || std::isdigit(c) || c == '$'; }
bool IsOperatorChar(char c) { return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos; }

class Lexer {
 public:
  explicit Lexer(std::string_view sql) : s_(sql) {}

  Result<std::vector<PgToken>> Run() {
    std::vector<PgToken> out;
    while (SkipSpaceAndComments()) {
      const size_t start = i_;
      const char c = s_[i_];
      const char next = Peek(1);
      if ((c == 'u' || c == 'U') && next == '&' && (Peek(2) == '\'' || Peek(2) == '"')) {
        return Status::Refused("Unicode escapes (U&'...' and U&\"...\") are not allowed; found at position " +
                               std::to_string(start + 1));
      }
      if ((c == 'e' || c == 'E') && next == '\'') {
        ++i_;
        SkipQuoted('\'', /*backslash_escapes=*/true);
        out.push_back({Kind::kString, std::string(s_.substr(start, i_ - start)), start});
      } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && next == '\'') {
        ++i_;
        SkipQuoted('\'', false);
        out.push_back({Kind::kString, std::string(s_.substr(start, i_ - start)), start});
      } else if (c == '\'') {
        SkipQuoted('\'', false);
        out.push_back({Kind::kString, std::string(s_.substr(start, i_ - start)), start});
      } else if (c == '"') {
        SkipQuoted('"', false);
        std::string name(s_.substr(start + 1, i_ - start - 1));
        if (!name.empty() && name.back() == '"') name.pop_back();
        for (size_t p; (p = name.find("\"\"")) != std::string::npos;) name.erase(p, 1);
        out.push_back({Kind::kQuotedIdent, std::move(name), start});
      } else if (c == '$' && std::isdigit(static_cast<unsigned char>(next))) {
        for (++i_; i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]));) ++i_;
        out.push_back({Kind::kParam, std::string(s_.substr(start, i_ - start)), start});
      } else if (c == '$' && DollarTagLength() > 0) {
        SkipDollarQuoted(DollarTagLength());
        out.push_back({Kind::kString, std::string(s_.substr(start, i_ - start)), start});
      } else if (IsIdentStart(static_cast<unsigned char>(c))) {
        while (i_ < s_.size() && IsIdentChar(static_cast<unsigned char>(s_[i_]))) ++i_;
        out.push_back({Kind::kWord, ToLower(s_.substr(start, i_ - start)), start});
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && std::isdigit(static_cast<unsigned char>(next)))) {
        SkipNumber();
        out.push_back({Kind::kNumber, std::string(s_.substr(start, i_ - start)), start});
      } else if (c == ':' && (next == ':' || next == '=')) {
        i_ += 2;
        out.push_back({Kind::kOperator, std::string(s_.substr(start, 2)), start});
      } else if (std::string_view("()[],;.:").find(c) != std::string_view::npos) {
        ++i_;
        out.push_back({Kind::kPunct, std::string(1, c), start});
      } else if (IsOperatorChar(c)) {
        while (i_ < s_.size() && IsOperatorChar(s_[i_]) && !StartsComment(i_)) ++i_;
        out.push_back({Kind::kOperator, std::string(s_.substr(start, i_ - start)), start});
      } else {
        ++i_;  // a byte PostgreSQL will reject; kept so positions stay right
        out.push_back({Kind::kOperator, std::string(1, c), start});
      }
    }
    return out;
  }

 private:
  char Peek(size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  bool StartsComment(size_t at) const {
    return at + 1 < s_.size() && ((s_[at] == '-' && s_[at + 1] == '-') || (s_[at] == '/' && s_[at + 1] == '*'));
  }

  // Skips whitespace and comments; false at the end of the text.
  bool SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
      } else if (s_.substr(i_, 2) == "--") {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        int depth = 0;  // PostgreSQL's block comments nest
        while (i_ < s_.size()) {
          if (s_.substr(i_, 2) == "/*") {
            ++depth;
            i_ += 2;
          } else if (s_.substr(i_, 2) == "*/") {
            i_ += 2;
            if (--depth == 0) break;
          } else {
            ++i_;
          }
        }
      } else {
        return true;
      }
    }
    return false;
  }

  // At an opening quote: skips to just past the closing one (a doubled quote is not closing).
  void SkipQuoted(char quote, bool backslash_escapes) {
    for (++i_; i_ < s_.size(); ++i_) {
      if (backslash_escapes && s_[i_] == '\\') {
        ++i_;
      } else if (s_[i_] == quote) {
        if (Peek(1) == quote) {
          ++i_;
        } else {
          ++i_;
          return;
        }
      }
    }
  }

  // Length of "$tag$" at i_ (tag may be empty), or 0 when i_ does not start a dollar quote.
  size_t DollarTagLength() const {
    size_t j = i_ + 1;
    if (j < s_.size() && IsIdentStart(static_cast<unsigned char>(s_[j]))) {
      while (j < s_.size() && IsIdentChar(static_cast<unsigned char>(s_[j])) && s_[j] != '$') ++j;
    }
    return j < s_.size() && s_[j] == '$' ? j - i_ + 1 : 0;
  }

  void SkipDollarQuoted(size_t tag_length) {
    const std::string_view tag = s_.substr(i_, tag_length);
    const size_t end = s_.find(tag, i_ + tag_length);
    i_ = end == std::string_view::npos ? s_.size() : end + tag_length;
  }

  void SkipNumber() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_') {
        const bool exponent = (c == 'e' || c == 'E') && (Peek(1) == '+' || Peek(1) == '-');
        i_ += exponent ? 2 : 1;
      } else {
        break;
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

// ---- Names ------------------------------------------------------------------------------------

constexpr std::string_view kWriteVerbs[] = {
    "insert",  "update", "delete",   "merge",  "truncate", "copy",   "create",  "drop",
    "alter",   "grant",  "revoke",   "comment", "security", "refresh", "import", "cluster",
    "reindex", "vacuum", "analyze", "analyse", "reassign"};

constexpr std::string_view kOtherStatements[] = {
    "do",      "call",    "set",     "reset",    "lock",       "listen", "notify",   "unlisten",
    "prepare", "execute", "deallocate", "declare", "fetch",    "move",   "close",    "discard",
    "load",    "checkpoint", "begin", "start",   "commit",     "end",    "rollback", "abort",
    "savepoint", "release", "explain", "show"};

constexpr std::string_view kForbiddenFunctions[] = {
    "set_config", "nextval", "setval", "pg_notify", "pg_terminate_backend", "pg_cancel_backend",
    "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_switch_xlog", "txid_current",
    "txid_current_if_assigned", "pg_current_xact_id", "pg_current_xact_id_if_assigned", "pg_promote",
    "loread", "lowrite", "pg_stat_file", "pg_export_snapshot", "pg_import_system_collations",
    "pg_log_backend_memory_contexts", "ts_stat", "pg_logdir_ls", "pg_drop_replication_slot",
    "pg_nextoid", "pg_start_backup", "pg_stop_backup"};

constexpr std::string_view kForbiddenPrefixes[] = {
    "pg_read_", "pg_ls_", "lo_", "dblink", "query_to_xml", "cursor_to_xml", "table_to_xml",
    "schema_to_xml", "database_to_xml", "pg_advisory", "pg_try_advisory", "pg_sleep", "pg_file_",
    "pg_logical_", "pg_replication_", "pg_create_", "pg_copy_", "pg_stat_reset", "pg_wal_replay_",
    "pg_backup_", "binary_upgrade_"};

// Catalogs that hold secrets or other sessions' statements: never readable through the guard.
constexpr std::string_view kSecretCatalogs[] = {
    "pg_authid", "pg_shadow", "pg_user_mapping", "pg_user_mappings", "pg_hba_file_rules",
    "pg_ident_file_mappings", "pg_file_settings", "pg_largeobject", "pg_largeobject_metadata",
    "pg_statistic", "pg_statistic_ext_data", "pg_stat_activity", "pg_stat_statements"};

template <size_t N>
bool In(const std::string_view (&list)[N], std::string_view word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

bool IsQueryStart(const PgToken& t) {
  if (t.kind == Kind::kPunct) return t.text == "(";
  return t.kind == Kind::kWord &&
         (t.text == "select" || t.text == "with" || t.text == "values" || t.text == "table");
}

std::string Upper(std::string_view word) {
  std::string out(word);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const std::string kReadOnly = "only read-only queries can run here: ";

// The refusal for a statement (or WITH body) that starts with `t`; empty when it starts like a query.
std::string NonQueryMessage(const PgToken& t) {
  if (IsQueryStart(t)) return "";
  if (t.kind == Kind::kWord && In(kWriteVerbs, t.text)) return kReadOnly + Upper(t.text) + " is a write";
  if (t.kind == Kind::kWord && In(kOtherStatements, t.text)) return kReadOnly + Upper(t.text) + " is not allowed";
  return kReadOnly + "a query starts with SELECT, WITH, VALUES or TABLE, not " +
         (t.kind == Kind::kWord ? Upper(t.text) : "\"" + t.text + "\"");
}

bool IsName(const PgToken& t) { return t.kind == Kind::kWord || t.kind == Kind::kQuotedIdent; }
bool IsPunct(const PgToken& t, std::string_view p) { return t.kind == Kind::kPunct && t.text == p; }
bool IsWord(const PgToken& t, std::string_view w) { return t.kind == Kind::kWord && t.text == w; }

// Words that end a FROM list at the same parenthesis depth.
bool EndsFromList(const PgToken& t) {
  static constexpr std::string_view kEnders[] = {"where", "group",  "having", "order", "limit",    "offset",
                                                 "window", "union", "intersect", "except", "fetch", "for",
                                                 "returning"};
  return t.kind == Kind::kWord && In(kEnders, t.text);
}

// Walks the tokens of one statement, tracking parentheses and FROM lists.
class Checker {
 public:
  Checker(const std::vector<PgToken>& tokens, const PgReadPolicy& policy) : t_(tokens), policy_(policy) {
    for (const std::string& h : policy.hidden_tables) hidden_.insert(ToLower(h));
  }

  Status Run() {
    frames_.push_back({/*query=*/true});
    for (size_t i = 0; i < t_.size(); ++i) DA_RETURN_IF_ERROR(Visit(i));
    return Status::Ok();
  }

 private:
  struct Frame {
    bool query = false;         // a (sub)query: FROM here lists tables
    bool expect_table = false;  // the next name is a table reference
    bool in_from = false;       // inside a FROM list: ',' introduces another table
    bool cte_body = false;      // WITH name AS ( ... ): what follows it is another CTE or the statement
  };

  const PgToken* At(size_t i) const { return i < t_.size() ? &t_[i] : nullptr; }

  Status Visit(size_t i) {
    const PgToken& t = t_[i];
    Frame& f = frames_.back();
    if (IsPunct(t, "(")) return OpenParen(i);
    if (IsPunct(t, ")")) return CloseParen(i);
    if (IsName(t)) DA_RETURN_IF_ERROR(CheckName(i));
    if (f.expect_table) return TableReference(i);
    if (IsPunct(t, ",") && f.in_from) {
      f.expect_table = true;
      return Status::Ok();
    }
    if (t.kind != Kind::kWord) return Status::Ok();
    if (EndsFromList(t)) f.in_from = false;
    if (f.query && (t.text == "join" || (t.text == "from" && !AfterDistinct(i)))) {
      f.expect_table = true;
      f.in_from = true;
    }
    if (f.query && t.text == "table") f.expect_table = true;  // TABLE name (TABLE is reserved)
    if (t.text == "into") return Status::Refused(kReadOnly + "SELECT ... INTO creates a table");
    if (t.text == "for") return CheckLocking(i);
    return Status::Ok();
  }

  // IS [NOT] DISTINCT FROM: not a FROM clause.
  bool AfterDistinct(size_t i) const { return i > 0 && IsWord(t_[i - 1], "distinct"); }

  Status OpenParen(size_t i) {
    Frame& outer = frames_.back();
    const PgToken* next = At(i + 1);
    const bool subquery = next && IsQueryStart(*next) && !IsPunct(*next, "(");
    if (outer.expect_table) {  // FROM (subquery) or a parenthesised join: FROM (a JOIN b ON ...)
      outer.expect_table = false;
      outer.in_from = true;
      frames_.push_back({/*query=*/true, /*expect_table=*/!subquery, /*in_from=*/true});
      return Status::Ok();
    }
    // WITH name AS [NOT] [MATERIALIZED] ( body ): the body must be a query.
    const bool cte_body = i > 0 && (IsWord(t_[i - 1], "as") || IsWord(t_[i - 1], "materialized"));
    if (cte_body && next) {
      if (std::string why = NonQueryMessage(*next); !why.empty() && next->kind == Kind::kWord) {
        return Status::Refused(why);
      }
    }
    frames_.push_back({subquery});
    frames_.back().cte_body = cte_body;
    return Status::Ok();
  }

  // After a WITH query's body comes another one (','), SEARCH/CYCLE, or the statement the WITH
  // belongs to, which must be a query too: WITH x AS (SELECT 1) DELETE FROM t is a write.
  Status CloseParen(size_t i) {
    if (frames_.size() == 1) return Status::Ok();
    const bool cte_body = frames_.back().cte_body;
    frames_.pop_back();
    const PgToken* next = At(i + 1);
    if (!cte_body || !next || next->kind != Kind::kWord) return Status::Ok();
    if (In(kWriteVerbs, next->text) || In(kOtherStatements, next->text)) return Status::Refused(NonQueryMessage(*next));
    return Status::Ok();
  }

  Status CheckLocking(size_t i) {
    const PgToken* a = At(i + 1);
    const PgToken* b = At(i + 2);
    if (!a || a->kind != Kind::kWord) return Status::Ok();
    std::string clause;
    if (a->text == "update" || a->text == "share") clause = "FOR " + Upper(a->text);
    if (a->text == "no" && b && IsWord(*b, "key")) clause = "FOR NO KEY UPDATE";
    if (a->text == "key" && b && IsWord(*b, "share")) clause = "FOR KEY SHARE";
    if (clause.empty()) return Status::Ok();
    return Status::Refused(kReadOnly + clause + " locks rows");
  }

  // A name anywhere: functions (name followed by '('), schemas of qualified names, secret catalogs.
  Status CheckName(size_t i) {
    const PgToken& t = t_[i];
    const std::string lower = ToLower(t.text);
    if (In(kSecretCatalogs, lower)) return Status::Refused("table " + lower + " is not available here");
    const bool qualified = i >= 2 && IsPunct(t_[i - 1], ".") && IsName(t_[i - 2]);
    const PgToken* next = At(i + 1);
    if (next && IsPunct(*next, "(")) {
      if (IsForbiddenPostgresFunction(lower)) return Status::Refused("function " + lower + " is not allowed");
      if (qualified) return CheckSchema(t_[i - 2].text);
    }
    return Status::Ok();
  }

  Status CheckSchema(const std::string& schema) {
    if (schema == policy_.schema || schema == "pg_catalog" || schema == "information_schema") {
      return Status::Ok();
    }
    return Status::Refused("schema " + schema + " is not visible in this dataset");
  }

  // At the first token after FROM / JOIN / ',' in a FROM list / TABLE.
  Status TableReference(size_t i) {
    Frame& f = frames_.back();
    const PgToken& t = t_[i];
    if (IsWord(t, "only") || IsWord(t, "lateral")) return Status::Ok();  // still expecting
    f.expect_table = false;
    if (!IsName(t)) return Status::Ok();
    // name [. name [. name]]: the last part is the table, the one before it its schema.
    std::vector<const PgToken*> parts = {&t};
    for (size_t j = i + 1; j + 1 < t_.size() && IsPunct(t_[j], ".") && IsName(t_[j + 1]); j += 2) {
      parts.push_back(&t_[j + 1]);
    }
    const PgToken* after = At(i + parts.size() * 2 - 1);
    if (after && IsPunct(*after, "(")) return Status::Ok();  // a function in FROM: checked as a name
    const std::string table = ToLower(parts.back()->text);
    std::string schema = parts.size() >= 2 ? parts[parts.size() - 2]->text : "";
    if (!schema.empty()) DA_RETURN_IF_ERROR(CheckSchema(schema));
    if (hidden_.count(table)) return Status::Refused("table " + parts.back()->text + " is not visible in this dataset");
    const bool catalog = schema == "pg_catalog" || schema == "information_schema" ||
                         (schema.empty() && StartsWithIgnoreCase(table, "pg_"));
    if (catalog && !hidden_.empty()) {
      return Status::Refused("the system catalogs are not readable in this dataset because they would reveal "
                             "hidden tables");
    }
    return Status::Ok();
  }

  const std::vector<PgToken>& t_;
  const PgReadPolicy& policy_;
  std::set<std::string> hidden_;
  std::vector<Frame> frames_;
};

}  // namespace

Result<std::vector<PgToken>> LexPostgres(std::string_view sql) { return Lexer(sql).Run(); }

bool IsForbiddenPostgresFunction(std::string_view lower_name) {
  if (In(kForbiddenFunctions, lower_name)) return true;
  return std::any_of(std::begin(kForbiddenPrefixes), std::end(kForbiddenPrefixes),
                     [&](std::string_view p) { return lower_name.substr(0, p.size()) == p; });
}

Result<std::string> CheckPostgresQuery(std::string_view sql, const PgReadPolicy& policy) {
  if (size_t nul = sql.find('\0'); nul != std::string_view::npos) {
    return Status::InvalidArgument("SQL text contains a NUL byte at position " + std::to_string(nul + 1));
  }
  if (sql.size() > QueryConnection::kMaxSqlBytes) {
    return Status::InvalidArgument("SQL text is " + std::to_string(sql.size()) + " bytes; the limit is " +
                                   std::to_string(QueryConnection::kMaxSqlBytes));
  }
  DA_ASSIGN_OR_RETURN(std::vector<PgToken> tokens, LexPostgres(sql));
  // Leading semicolons are empty statements; the first ';' after a token ends the statement.
  size_t first = 0;
  while (first < tokens.size() && IsPunct(tokens[first], ";")) ++first;
  if (first == tokens.size()) return Status::InvalidArgument("no SQL statement given");
  size_t end = first;
  while (end < tokens.size() && !IsPunct(tokens[end], ";")) ++end;
  for (size_t i = end; i < tokens.size(); ++i) {
    if (!IsPunct(tokens[i], ";")) {
      return Status::Refused("exactly one statement is allowed; found more at position " +
                             std::to_string(tokens[i].pos + 1));
    }
  }
  std::vector<PgToken> statement(tokens.begin() + static_cast<std::ptrdiff_t>(first),
                                 tokens.begin() + static_cast<std::ptrdiff_t>(end));
  // "((SELECT ...))": the first token after the opening parentheses says what the statement is.
  size_t lead = 0;
  while (lead + 1 < statement.size() && IsPunct(statement[lead], "(")) ++lead;
  if (std::string why = NonQueryMessage(statement[lead]); !why.empty()) return Status::Refused(why);
  DA_RETURN_IF_ERROR(Checker(statement, policy).Run());
  const size_t stop = end < tokens.size() ? tokens[end].pos : sql.size();
  return std::string(Trim(sql.substr(statement.front().pos, stop - statement.front().pos)));
}

}  // namespace da
