// Compiles every kind of spec we emit with the real Vega-Lite (and renders it with Vega to SVG
// when Vega is installed too), when `node` and an installed vega-lite package are found through
// NODE_PATH or <source>/web/node_modules. Skipped otherwise: the project adds no npm
// dependency for this check.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_util.h"
#include "viz/chart.h"
#include "viz/viz_fixtures.h"

namespace da {
namespace {

using namespace da::testing;

constexpr const char* kScript = R"JS(
const fs = require('fs');
async function load(name) {
  try { return require(name); }
  catch (e) { return import(require('url').pathToFileURL(require.resolve(name)).href); }
}
(async () => {
  const vl = await load('vega-lite');
  let vega = null;
  try { vega = await load('vega'); } catch (e) {}
  const specs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const problems = [];
  for (const [i, spec] of specs.entries()) {
    const said = [];
    const logger = { level() { return this; }, info() { return this; }, debug() { return this; },
                     warn(...a) { said.push(a.join(' ')); return this; },
                     error(...a) { said.push(a.join(' ')); return this; } };
    try {
      const vg = vl.compile(spec, { logger }).spec;
      if (vega) {
        const view = new vega.View(vega.parse(vg), { renderer: 'none' });
        await view.runAsync();
        const svg = await view.toSVG();
        if (!svg.includes('<svg')) said.push('no SVG rendered');
        view.finalize();
      }
    } catch (e) { said.push(String(e && e.message || e)); }
    for (const s of said) problems.push('spec ' + i + ' (' + JSON.stringify(spec.mark) + '): ' + s);
  }
  console.log(problems.join('\n'));
  process.exit(problems.length ? 1 : 0);
})().catch(e => { console.log(String(e)); process.exit(2); });
)JS";

std::string NodePath() {
  std::string path = SourceDir().string() + "/web/node_modules";
  if (const char* env = std::getenv("NODE_PATH"); env && *env) path = std::string(env) + ":" + path;
  return path;
}

// Runs `command` through the shell; its stdout and exit status.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string Env() { return "NODE_PATH='" + NodePath() + "' "; }

TEST(VegaLiteCompileTest, EverySpecWeEmitCompilesAndRenders) {
  if (Shell("command -v node >/dev/null 2>&1").first != 0) GTEST_SKIP() << "node is not installed";
  if (Shell(Env() + "node -e \"require.resolve('vega-lite')\" >/dev/null 2>&1").first != 0)
    GTEST_SKIP() << "vega-lite is not installed (NODE_PATH or web/node_modules)";

  std::vector<QueryResult> results = {
      AmountByRegion(), MonthlySales(), SalesByStore(45),
      MakeResult({"year", "sum(T1.weekly_sales)"}, {{I(2010), D(5e8)}, {I(2011), D(7e8)}, {I(2012), D(6e8)}}),
      MakeResult({"date", "sales", "returns"}, {{S("2012-01-06"), D(10), D(1)}, {S("2012-01-13"), D(12), D(2)}}),
      MakeResult({"ts", "region", "sales"}, {{S("2012-01-06 10:00:00"), S("N"), D(1)},
                                             {S("2012-01-06 11:00:00"), S("S"), D(2)},
                                             {S("2012-01-06 12:00:00"), S("N"), D(3)}}),
      MakeResult({"temperature", "weekly_sales"}, {{D(40.5), D(1000)}, {D(60.1), D(1200)}, {D(80), Null()}}),
      MakeResult({"T1.region", "channel", "avg(T2.amount)"},
                 {{S("North"), S("web"), D(1)}, {S("North"), S("shop"), D(2)}, {S("South"), S("web"), D(3)}}),
      MakeResult({"quarter", "revenue"}, {{S("2012-Q1"), D(1)}, {S("2012-Q2"), D(2)}}),
  };
  nlohmann::json specs = nlohmann::json::array();
  ChartHints share;
  share.proportion = true;
  for (const auto& r : results) {
    for (ChartType t : AlternativeCharts(r, share)) {
      auto chart = MakeChart(r, t, share);
      ASSERT_TRUE(chart.ok()) << chart.status().ToString();
      specs.push_back(chart->spec);
    }
  }
  ASSERT_GE(specs.size(), 12u);
  TempDir dir;
  WriteFile(dir / "specs.json", specs.dump());
  WriteFile(dir / "check.js", kScript);
  auto [code, out] = Shell(Env() + "node '" + (dir / "check.js").string() + "' '" + (dir / "specs.json").string() +
                           "' 2>&1");
  EXPECT_EQ(code, 0) << out;
}

}  // namespace
}  // namespace da
