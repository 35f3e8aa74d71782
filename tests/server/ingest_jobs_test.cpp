// Upload ingest jobs on real files: progress, success, failure that publishes nothing.
#include "server/ingest_jobs.h"

#include <gtest/gtest.h>

#include <atomic>

#include "test_util.h"

namespace da::server {
namespace {

using da::testing::TempDir;
using da::testing::WriteFile;

class IngestJobsTest : public ::testing::Test {
 protected:
  // A job for `file` (written into its own work folder) on dataset `name`.
  IngestJobRequest Request(const std::string& name, const std::string& file, const std::string& text) {
    IngestJobRequest r;
    r.dataset = name;
    r.work_dir = dir_ / ("upload-" + std::to_string(++uploads_));
    r.input = r.work_dir / file;
    WriteFile(r.input, text);
    return r;
  }
  nlohmann::json WaitDone(IngestJobs& jobs, const std::string& id) {
    uint64_t revision = 0;
    auto job = jobs.Get(id, &revision);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (job && (*job)["state"] == "running" && std::chrono::steady_clock::now() < deadline) {
      job = jobs.WaitForChange(id, &revision, std::chrono::seconds(1));
    }
    return job ? *job : nlohmann::json();
  }

  TempDir dir_;
  DatasetStore store_{dir_ / "data"};
  int uploads_ = 0;
};

TEST_F(IngestJobsTest, CsvBecomesADatasetAndTheUploadIsRemoved) {
  std::atomic<int> finished{0};
  IngestJobs jobs(&store_, [&](const std::string& name, bool ok) { finished += ok && name == "sales"; });
  IngestJobRequest r = Request("sales", "sales.csv", "region,amount\nnorth,10\nsouth,20\n");
  const auto work = r.work_dir;
  auto id = jobs.Start(std::move(r));
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  nlohmann::json job = WaitDone(jobs, *id);
  ASSERT_EQ(job["state"], "done") << job.dump(1);
  EXPECT_EQ(job["progress"]["fraction"], 1.0);
  EXPECT_EQ(job["report"]["total_rows"], 2);
  EXPECT_EQ(finished.load(), 1);
  EXPECT_TRUE(store_.Get("sales").ok());
  EXPECT_FALSE(std::filesystem::exists(work));
}

TEST_F(IngestJobsTest, BadFileFailsNamingTheLineAndPublishesNothing) {
  IngestJobs jobs(&store_, nullptr);
  auto id = jobs.Start(Request("sales", "sales.csv", "region,amount\nnorth,10\nsouth,20,extra,fields\n"));
  ASSERT_TRUE(id.ok());
  nlohmann::json job = WaitDone(jobs, *id);
  ASSERT_EQ(job["state"], "failed") << job.dump(1);
  EXPECT_EQ(job["error"]["code"], "bad_input");
  EXPECT_NE(job["error"]["message"].get<std::string>().find("sales.csv:3"), std::string::npos) << job.dump(1);
  EXPECT_EQ(store_.Get("sales").status().code(), Status::Code::kNotFound);
}

TEST_F(IngestJobsTest, FailedReuploadKeepsThePreviousVersion) {
  IngestJobs jobs(&store_, nullptr);
  auto first = jobs.Start(Request("sales", "sales.csv", "region,amount\nnorth,10\n"));
  ASSERT_EQ(WaitDone(jobs, *first)["state"], "done");
  auto second = jobs.Start(Request("sales", "sales.csv", "region,amount\nnorth,10,x\n"));
  ASSERT_EQ(WaitDone(jobs, *second)["state"], "failed");
  auto info = store_.Get("sales");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->version, 1);
}

TEST_F(IngestJobsTest, SecondJobForTheSameDatasetIsAConflict) {
  IngestJobs jobs(&store_, nullptr);
  std::string big = "id,value\n";
  for (int i = 0; i < 200000; ++i) big += std::to_string(i) + ",v" + std::to_string(i % 97) + "\n";
  auto first = jobs.Start(Request("big", "big.csv", big));
  ASSERT_TRUE(first.ok());
  auto second = jobs.Start(Request("big", "big.csv", big));
  // Either the first is still running (a conflict) or it already finished (then the second runs).
  if (!second.ok()) {
    EXPECT_EQ(second.status().code(), Status::Code::kAlreadyExists);
  }
  EXPECT_EQ(WaitDone(jobs, *first)["state"], "done");
  if (second.ok()) EXPECT_EQ(WaitDone(jobs, *second)["state"], "done");
  EXPECT_FALSE(jobs.Get("j999").has_value());
}

}  // namespace
}  // namespace da::server
