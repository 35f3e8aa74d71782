#include "ask/intent.h"

#include <cctype>
#include <initializer_list>
#include <set>

#include "common/strings.h"
#include "viz/column_roles.h"

namespace da {

namespace {

using Words = std::vector<std::string>;
using WordSet = std::set<std::string, std::less<>>;

// Lower-case words; letters, digits and non-ASCII bytes; a contraction keeps its stem
// ("what's" -> "what", "don't" -> "don").
Words Tokenize(std::string_view text) {
  Words words;
  std::string cur;
  bool in_contraction = false;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
    in_contraction = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    const bool apostrophe = c == '\'' || (c == 0xE2 && i + 2 < text.size() && (unsigned char)text[i + 1] == 0x80 &&
                                          (unsigned char)text[i + 2] == 0x99);  // ’
    if (apostrophe && !cur.empty()) {
      in_contraction = true;
      if (c == 0xE2) i += 2;
      continue;
    }
    if (std::isalnum(c) || c >= 0x80) {
      if (!in_contraction) cur += static_cast<char>(std::tolower(c));
      continue;
    }
    flush();
  }
  flush();
  return words;
}

bool HasAny(const Words& words, const WordSet& set) {
  for (const auto& w : words)
    if (set.count(w)) return true;
  return false;
}

// Whether `phrase` occurs as consecutive words.
bool HasPhrase(const Words& words, std::initializer_list<std::string_view> phrase) {
  const size_t n = phrase.size();
  for (size_t i = 0; i + n <= words.size(); ++i) {
    size_t k = 0;
    for (auto p : phrase) {
      if (words[i + k] != p) break;
      ++k;
    }
    if (k == n) return true;
  }
  return false;
}

bool StartsWith(const Words& words, const WordSet& set) { return !words.empty() && set.count(words[0]); }

std::string Singular(std::string w) {
  if (w.size() > 3 && w.back() == 's') w.pop_back();
  return w;
}

// The words of the dataset's table and column names (singular, 3+ letters, not generic).
WordSet DatasetWords(const DatasetContext& ctx) {
  static const WordSet kGeneric = {"the", "and", "for", "name", "names", "type", "value", "values", "data",
                                   "table", "code", "key", "info", "list", "all", "new", "old"};
  WordSet names;
  auto add = [&](const std::string& s) {
    for (auto& w : SplitIdentifier(s))
      if (w.size() >= 3 && !kGeneric.count(w)) names.insert(Singular(w));
  };
  for (const auto& t : ctx.tables) add(t);
  for (const auto& c : ctx.column_labels) add(c);
  return names;
}

bool IsDatasetWord(const WordSet& dataset, const std::string& w) { return dataset.count(Singular(w)) > 0; }

bool MentionsDataset(const Words& words, const WordSet& dataset) {
  for (const auto& w : words)
    if (IsDatasetWord(dataset, w)) return true;
  return false;
}

const WordSet kGreetings = {"hi", "hello", "hey", "hiya", "howdy", "greetings", "yo", "morning", "afternoon",
                            "evening", "good", "there", "again", "all", "everyone", "hallo", "bonjour", "hola"};
const WordSet kCourtesy = {"thanks", "thank", "you", "thx", "ty", "cheers", "great", "awesome", "perfect", "nice",
                           "cool", "ok", "okay", "got", "it", "bye", "goodbye", "see", "later", "much", "very", "so",
                           "that", "helpful", "good", "excellent", "wonderful", "appreciate", "lot", "a", "job",
                           "brilliant", "fine", "alright", "sounds", "wow", "amazing", "many", "for", "the", "help",
                           "understood", "noted", "sure", "yes", "no", "yep", "nope", "bye-bye", "night", "all"};
const WordSet kAboutData = {"table", "tables", "data", "dataset", "datasets", "column", "columns", "field",
                            "fields", "schema", "sheet", "sheets"};
const WordSet kQuestionWords = {"what", "which", "how", "who", "whom", "whose", "when", "where", "is", "are",
                                "was", "were", "do", "does", "did", "can", "could", "should", "will", "would"};
const WordSet kImperatives = {"show", "list", "count", "plot", "give", "find", "get", "display", "compare",
                              "rank", "calculate", "compute", "tell", "break", "sum", "total", "average",
                              "summarize", "summarise", "chart", "graph", "draw", "visualize", "visualise",
                              "return", "fetch", "select", "sort", "group", "filter", "identify"};
const WordSet kAggregates = {"total", "sum", "average", "avg", "mean", "median", "count", "number", "many",
                             "much", "max", "maximum", "min", "minimum", "highest", "lowest", "most", "least",
                             "top", "bottom", "per", "by", "each", "every", "trend", "between", "over",
                             "compared", "distribution", "percentage", "percent", "share", "growth", "change",
                             "largest", "smallest", "biggest", "best", "worst", "rank", "ranking"};
const WordSet kChartWords = {"chart", "charts", "graph", "graphs", "plot", "plots", "plotted", "visualize",
                             "visualise", "visualization", "visualisation", "diagram", "pie", "donut", "doughnut",
                             "scatter", "scatterplot", "histogram"};
const WordSet kProportion = {"share", "shares", "percentage", "percentages", "percent", "proportion",
                             "proportions", "breakdown", "composition", "split", "fraction", "contribution",
                             "contributions"};
const WordSet kChangeWords = {"drop", "dropped", "drops", "rise", "rose", "rising", "increase", "increased",
                              "decrease", "decreased", "spike", "spiked", "dip", "dipped", "decline",
                              "declined", "growth", "grew", "change", "changed", "fall", "fell", "jump",
                              "jumped", "surge", "surged", "slump", "plunge", "peak", "peaked", "difference"};
// Words that carry no data meaning in a chart follow-up ("can you show that as a pie chart").
const WordSet kFollowUpFiller = {
    "show", "it", "that", "this", "these", "those", "them", "as", "a", "an", "the", "in", "into", "make", "turn",
    "can", "you", "could", "please", "me", "instead", "now", "same", "one", "switch", "change", "to", "i", "see",
    "want", "would", "like", "display", "draw", "give", "use", "using", "with", "of", "results", "result",
    "answer", "previous", "last", "again", "version", "view", "let", "us", "try", "do", "how", "about", "what",
    "if", "we", "plot", "chart", "charts", "graph", "pie", "donut", "doughnut", "bar", "bars", "line", "lines",
    "scatter", "scatterplot", "histogram", "column", "columns", "visualize", "visualise", "visualization",
    "visualisation", "diagram", "type", "kind", "style", "rather", "than", "table", "ok", "okay", "and", "but",
    "maybe", "also", "just", "is", "there", "get", "put", "present", "draw", "prefer", "better", "nicer", "form",
    "format"};
const WordSet kOffTopic = {"joke", "jokes", "funny", "riddle", "riddles", "pun", "puns", "poem", "poems", "poetry",
                           "haiku", "limerick", "story", "stories", "song", "songs", "lyrics", "essay", "novel",
                           "weather", "forecast", "raining", "sunny", "recipe", "recipes", "cook", "cooking",
                           "translate", "translation", "horoscope", "movie", "movies", "lottery"};
const WordSet kCodeWords = {"python", "javascript", "typescript", "java", "rust", "golang", "html", "css",
                            "regex", "compiler", "compile", "debug", "bash", "powershell", "kotlin", "swift",
                            "php", "ruby", "perl", "script", "program", "function", "class", "app", "website"};
const WordSet kWriteVerbs = {"write", "create", "generate", "build", "make", "fix", "debug", "code", "implement",
                             "refactor", "compose"};

bool IsGreetingOnly(const Words& w) {
  for (const auto& x : w)
    if (!kGreetings.count(x)) return false;
  return !w.empty() && (StartsWith(w, {"hi", "hello", "hey", "hiya", "howdy", "greetings", "yo", "good", "hallo",
                                       "bonjour", "hola"}));
}

// The message with a leading greeting ("hi", "hello there", "good morning") removed.
Words WithoutGreeting(const Words& w) {
  size_t i = 0;
  while (i < w.size() && kGreetings.count(w[i]) && w[i] != "all") ++i;
  if (i == 0 || !IsGreetingOnly(Words(w.begin(), w.begin() + i))) return w;
  return Words(w.begin() + i, w.end());
}

// Thanks, praise, acknowledgement or goodbye, and nothing else.
bool IsCourtesyOnly(const Words& w) {
  static const WordSet kCore = {"thanks", "thank", "thx", "ty", "cheers", "great", "awesome", "perfect", "nice",
                                "cool", "ok", "okay", "bye", "goodbye", "excellent", "wonderful", "brilliant",
                                "appreciate", "amazing", "wow", "alright", "fine", "sure", "yes", "no", "yep",
                                "nope", "noted", "understood", "got", "later", "night"};
  if (w.empty() || w.size() > 8 || !HasAny(w, kCore)) return false;
  for (const auto& x : w)
    if (!kCourtesy.count(x)) return false;
  return true;
}

bool IsSmallTalk(const Words& w) {
  return HasPhrase(w, {"how", "are", "you"}) || HasPhrase(w, {"who", "are", "you"}) ||
         HasPhrase(w, {"what", "are", "you"}) || HasPhrase(w, {"are", "you", "human"}) ||
         HasPhrase(w, {"are", "you", "real"}) || HasPhrase(w, {"your", "name"}) ||
         HasPhrase(w, {"how", "is", "it", "going"});
}

bool AsksForHelp(const Words& w) {
  if (w.size() <= 3 && HasAny(w, {"help", "usage", "commands", "examples", "example", "options"})) return true;
  const bool what_or_how = StartsWith(w, {"what", "how", "which", "can", "could", "tell"});
  return what_or_how && ((HasAny(w, {"you", "i", "we", "this", "it", "tool", "app", "assistant"}) &&
                          HasAny(w, {"do", "ask", "help", "use", "work", "works", "answer", "capable", "able"}) &&
                          !HasAny(w, kAggregates)) ||
                         HasPhrase(w, {"how", "does", "this", "work"}) || HasPhrase(w, {"what", "is", "this"}));
}

bool AsksAboutDataset(const Words& w) {
  return StartsWith(w, {"what", "which", "list", "show", "tell", "describe", "how"}) && HasAny(w, kAboutData) &&
         HasAny(w, {"have", "there", "available", "contain", "contains", "in", "exist", "got", "you", "tables",
                    "columns", "describe", "about"}) &&
         !HasAny(w, kAggregates);
}

bool AsksWhy(const Words& w) {
  if (StartsWith(w, {"why"})) return true;
  if (HasPhrase(w, {"how", "come"}) || HasPhrase(w, {"reason", "for"}) || HasPhrase(w, {"reasons", "for"}) ||
      HasPhrase(w, {"explain", "why"}) || HasPhrase(w, {"led", "to"}) || HasPhrase(w, {"behind", "the"}))
    return true;
  if (StartsWith(w, {"what", "which"}) &&
      HasAny(w, {"caused", "causes", "cause", "drove", "drives", "driving", "explains", "made"}))
    return true;
  return HasAny(w, {"explain", "account"}) && HasAny(w, kChangeWords);
}

// Nothing but chart and filler words: a request about the previous answer ("make it a line").
bool FillerOnly(const Words& w) {
  for (const auto& x : w)
    if (!kFollowUpFiller.count(x)) return false;
  return true;
}

// A chart type named in the message.
std::optional<ChartType> RequestedChart(const Words& w) {
  if (HasAny(w, {"pie", "donut", "doughnut"})) return ChartType::kArc;
  if (FillerOnly(w) && HasAny(w, {"line", "lines"})) return ChartType::kLine;
  if (FillerOnly(w) && HasAny(w, {"bar", "bars"})) return ChartType::kBar;
  if (HasAny(w, {"scatter", "scatterplot"}) || HasPhrase(w, {"scatter", "plot"})) return ChartType::kPoint;
  const bool charty = HasAny(w, {"chart", "charts", "graph", "graphs", "plot"});
  if (HasAny(w, {"histogram"}) || HasPhrase(w, {"as", "bars"}) || HasPhrase(w, {"as", "a", "bar"}) ||
      (charty && (HasAny(w, {"bar", "bars"}) || HasPhrase(w, {"column", "chart"}))))
    return ChartType::kBar;
  if (HasPhrase(w, {"as", "a", "line"}) || HasPhrase(w, {"as", "lines"}) || HasPhrase(w, {"trend", "line"}) ||
      (charty && HasAny(w, {"line", "lines"})))
    return ChartType::kLine;
  return std::nullopt;
}

// An off-topic cue (joke, poem, weather, writing code...) that is not itself a word of the
// dataset's names: "how many songs per genre" is a data question over a songs table.
bool AsksOffTopic(const Words& w, const WordSet& dataset) {
  auto cue = [&](const WordSet& set) {
    for (const auto& x : w)
      if (set.count(x) && !IsDatasetWord(dataset, x)) return true;
    return false;
  };
  if (cue(kOffTopic)) return true;
  // Writing code: a write verb with a programming word, or a language name asked about.
  return (HasAny(w, kWriteVerbs) && cue(kCodeWords)) ||
         cue({"python", "javascript", "typescript", "golang", "html", "css", "regex"});
}

double DataConfidence(const Words& w, bool mentions_data, std::string_view message) {
  int cues = 0;
  if (StartsWith(w, kQuestionWords) || message.find('?') != std::string_view::npos) ++cues;
  if (StartsWith(w, kImperatives)) ++cues;
  if (HasAny(w, kAggregates)) ++cues;
  for (const auto& x : w)
    if (std::isdigit(static_cast<unsigned char>(x[0]))) {
      ++cues;
      break;
    }
  if (mentions_data) return cues > 0 ? 0.95 : 0.8;
  return cues >= 2 ? 0.8 : cues == 1 ? 0.65 : 0.4;
}

// "orders, customers and products" (at most five, then "and N more").
std::string ListWithMore(const std::vector<std::string>& tables) {
  std::vector<std::string> shown(tables.begin(), tables.begin() + std::min<size_t>(tables.size(), 5));
  std::string out = Join(std::vector<std::string>(shown.begin(), shown.end() - (shown.size() > 1 ? 1 : 0)), ", ");
  if (tables.size() > 5) return out + ", " + shown.back() + " and " + std::to_string(tables.size() - 5) + " more";
  return shown.size() > 1 ? out + " and " + shown.back() : out;
}

std::string Examples(const DatasetContext& ctx) {
  std::string a = "How many rows are there?";
  std::string b = "Total sales by region in 2024";
  if (!ctx.tables.empty()) a = "How many " + InSentence(ColumnTitle(ctx.tables[0])) + " are there?";
  if (ctx.column_labels.size() >= 2) {
    b = ColumnTitle(ctx.column_labels[0]) + " by " + InSentence(ColumnTitle(ctx.column_labels[1]));
  }
  return "Try “" + a + "” or “" + b + "”.";
}

std::string DatasetLine(const DatasetContext& ctx) {
  if (ctx.tables.empty()) return "";
  return std::string(ctx.tables.size() == 1 ? " This dataset has the table " : " This dataset has the tables ") +
         ListWithMore(ctx.tables) + ".";
}

std::string HelpReply(const DatasetContext& ctx) {
  return "I answer questions about your data in plain English, with the SQL I ran, a table, a chart and a short "
         "explanation; you can also ask for a chart type (“as a pie chart”)." +
         DatasetLine(ctx) + " " + Examples(ctx);
}

std::string CourtesyReply(const Words& w) {
  if (HasAny(w, {"bye", "goodbye", "later", "night"}))
    return "Goodbye! Come back with more questions about your data any time.";
  if (HasAny(w, {"thanks", "thank", "thx", "ty", "cheers", "appreciate"}))
    return "You're welcome! Ask another question about your data whenever you like.";
  return "OK. Ask another question about your data whenever you like.";
}

// "This dataset has 3 tables: a, b and c. Columns include X, Y and Z. Try ..."
std::string DatasetReply(const Words& w, const DatasetContext& ctx) {
  if (ctx.tables.empty()) return HelpReply(ctx);
  std::string reply = "This dataset has " + std::to_string(ctx.tables.size()) +
                      (ctx.tables.size() == 1 ? " table: " : " tables: ") + ListWithMore(ctx.tables) + ".";
  if (HasAny(w, {"column", "columns", "field", "fields"}) && !ctx.column_labels.empty())
    reply += " Columns include " + ListWithMore(ctx.column_labels) + ".";
  return reply + " " + Examples(ctx);
}

IntentResult Make(Intent intent, double confidence, std::string reply = "") {
  IntentResult r;
  r.intent = intent;
  r.confidence = confidence;
  r.reply = std::move(reply);
  return r;
}

IntentResult Classify(const Words& all, std::string_view message, const DatasetContext& ctx) {
  if (all.empty()) return Make(Intent::kConversation, 0.6, HelpReply(ctx));
  const Words w = WithoutGreeting(all);
  const bool greeted = w.size() < all.size();
  if (w.empty()) return Make(Intent::kConversation, 0.95, "Hello! " + HelpReply(ctx));
  if (IsCourtesyOnly(w)) return Make(Intent::kConversation, 0.9, CourtesyReply(w));
  const WordSet dataset = DatasetWords(ctx);
  const bool mentions_data = MentionsDataset(w, dataset);
  if (IsSmallTalk(w) && !mentions_data)
    return Make(Intent::kConversation, 0.85, std::string(greeted ? "Hello! " : "") + HelpReply(ctx));
  if (AsksAboutDataset(w)) return Make(Intent::kConversation, 0.85, DatasetReply(w, ctx));
  if (AsksForHelp(w) && !mentions_data) return Make(Intent::kConversation, 0.85, HelpReply(ctx));
  if (AsksWhy(w)) return Make(Intent::kWhyQuestion, 0.85);
  if (HasAny(w, kChartWords) || RequestedChart(w)) {
    IntentResult r = Make(Intent::kChartRequest, 0.85);
    r.follow_up = FillerOnly(w);
    if (r.follow_up) r.confidence = 0.9;
    return r;
  }
  if (AsksOffTopic(w, dataset)) {
    std::string reply = "I can only answer questions about the data in this dataset, so I can't help with that." +
                        DatasetLine(ctx) + " " + Examples(ctx);
    return Make(Intent::kOutOfScope, 0.8, reply);
  }
  return Make(Intent::kDataQuestion, DataConfidence(w, mentions_data, message));
}

}  // namespace

const char* IntentName(Intent intent) {
  switch (intent) {
    case Intent::kDataQuestion: return "data_question";
    case Intent::kChartRequest: return "chart_request";
    case Intent::kWhyQuestion: return "why_question";
    case Intent::kConversation: return "conversation";
    case Intent::kOutOfScope: return "out_of_scope";
  }
  return "data_question";
}

IntentResult ClassifyIntent(std::string_view message, const DatasetContext& context) {
  const Words words = Tokenize(message);
  IntentResult r = Classify(words, message, context);
  r.chart.requested = RequestedChart(WithoutGreeting(words));
  r.chart.proportion = HasAny(words, kProportion) || HasPhrase(words, {"break", "down"}) ||
                       message.find('%') != std::string_view::npos;
  return r;
}

nlohmann::json IntentResult::ToJson() const {
  nlohmann::json j = {{"intent", IntentName(intent)},
                      {"confidence", confidence},
                      {"proportion", chart.proportion},
                      {"follow_up", follow_up}};
  if (!reply.empty()) j["reply"] = reply;
  if (chart.requested) j["chart_type"] = ChartTypeName(*chart.requested);
  return j;
}

}  // namespace da
