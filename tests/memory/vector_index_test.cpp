#include "memory/vector_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace da::memory {
namespace {

using da::testing::ReadFile;
using da::testing::TempDir;
using da::testing::WriteFile;

std::vector<float> RandomUnit(std::mt19937& rng, int dimension) {
  std::normal_distribution<float> normal;
  std::vector<float> v(static_cast<size_t>(dimension));
  double norm = 0;
  for (float& x : v) {
    x = normal(rng);
    norm += static_cast<double>(x) * x;
  }
  for (float& x : v) x = static_cast<float>(x / std::sqrt(norm));
  return v;
}

std::vector<float> Axis(int dimension, int i, float length = 1.0f) {
  std::vector<float> v(static_cast<size_t>(dimension), 0.0f);
  v[static_cast<size_t>(i)] = length;
  return v;
}

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

std::unique_ptr<VectorIndex> MustCreate(int dimension, const VectorIndexOptions& options = {}) {
  auto index = VectorIndex::Create(dimension, options);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

std::vector<uint64_t> Labels(const Result<std::vector<VectorMatch>>& matches) {
  std::vector<uint64_t> out;
  if (matches.ok()) {
    for (const VectorMatch& m : *matches) out.push_back(m.label);
  }
  return out;
}

// An index of `n` random unit vectors labelled 1000 + i.
std::unique_ptr<VectorIndex> RandomIndex(int n, int dimension, std::vector<std::vector<float>>* vectors,
                                         uint32_t seed = 7) {
  std::mt19937 rng(seed);
  auto index = MustCreate(dimension);
  for (int i = 0; i < n; ++i) {
    vectors->push_back(RandomUnit(rng, dimension));
    EXPECT_TRUE(index->Add(1000 + static_cast<uint64_t>(i), vectors->back()).ok());
  }
  return index;
}

TEST(VectorIndexTest, FindsTheNearestBestFirstWithCosineScores) {
  auto index = MustCreate(4);
  ASSERT_TRUE(index->Add(1, Axis(4, 0)).ok());
  ASSERT_TRUE(index->Add(2, Axis(4, 1, 3.0f)).ok());  // not unit length: normalised
  ASSERT_TRUE(index->Add(3, std::vector<float>{1, 1, 0, 0}).ok());
  EXPECT_EQ(index->size(), 3u);
  EXPECT_EQ(index->dimension(), 4);

  auto found = index->Search(std::vector<float>{0.9f, 0.1f, 0, 0}, 3);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(Labels(found), (std::vector<uint64_t>{1, 3, 2}));
  const double n = std::sqrt(0.82);
  EXPECT_NEAR((*found)[0].score, 0.9 / n, 1e-5);
  EXPECT_NEAR((*found)[1].score, 1.0 / n / std::sqrt(2.0), 1e-5);
  EXPECT_NEAR((*found)[2].score, 0.1 / n, 1e-5);

  EXPECT_EQ(Labels(index->Search(Axis(4, 1), 1)), (std::vector<uint64_t>{2}));
  EXPECT_EQ(Labels(index->Search(Axis(4, 0), 10, 0.5f)), (std::vector<uint64_t>{1, 3}));
  EXPECT_TRUE(Labels(index->Search(Axis(4, 0), 0)).empty());
  EXPECT_TRUE(Labels(index->Search(Axis(4, 3), 5, 0.1f)).empty());
}

TEST(VectorIndexTest, EmptyIndexFindsNothing) {
  auto index = MustCreate(8);
  auto found = index->Search(Axis(8, 2), 5);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
  EXPECT_EQ(index->size(), 0u);
}

TEST(VectorIndexTest, RecallAtOneAgainstBruteForce) {
  constexpr int kDimension = 32, kVectors = 5000, kQueries = 500;
  std::vector<std::vector<float>> vectors;
  auto index = RandomIndex(kVectors, kDimension, &vectors);
  ASSERT_EQ(index->size(), static_cast<size_t>(kVectors));
  std::mt19937 rng(99);
  int hits = 0;
  for (int q = 0; q < kQueries; ++q) {
    std::vector<float> query = RandomUnit(rng, kDimension);
    size_t best = 0;
    for (size_t i = 1; i < vectors.size(); ++i) {
      if (Dot(query, vectors[i]) > Dot(query, vectors[best])) best = i;
    }
    auto found = index->Search(query, 1);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u);
    if ((*found)[0].label == 1000 + best) ++hits;
  }
  EXPECT_GE(hits, kQueries * 95 / 100) << "recall@1 " << hits << "/" << kQueries;
}

TEST(VectorIndexTest, AddReplacesTheVectorOfAnExistingLabel) {
  auto index = MustCreate(4);
  ASSERT_TRUE(index->Add(7, Axis(4, 0)).ok());
  ASSERT_TRUE(index->Add(8, Axis(4, 2)).ok());
  ASSERT_TRUE(index->Add(7, Axis(4, 1)).ok());
  EXPECT_EQ(index->size(), 2u);
  auto found = index->Search(Axis(4, 1), 2);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].label, 7u);
  EXPECT_NEAR((*found)[0].score, 1.0, 1e-5);
  EXPECT_NEAR((*found)[1].score, 0.0, 1e-5);
}

TEST(VectorIndexTest, RemovedLabelsAreNeverReturnedAndCanComeBack) {
  std::vector<std::vector<float>> vectors;
  auto index = RandomIndex(300, 16, &vectors);
  for (uint64_t label = 1000; label < 1300; label += 2) ASSERT_TRUE(index->Remove(label).ok());
  EXPECT_EQ(index->size(), 150u);
  EXPECT_FALSE(index->Contains(1000));
  EXPECT_TRUE(index->Contains(1001));
  EXPECT_TRUE(index->Remove(1000).ok()) << "removing twice is not an error";
  EXPECT_TRUE(index->Remove(424242).ok()) << "removing an unknown label is not an error";
  for (size_t i = 0; i < vectors.size(); ++i) {
    auto found = index->Search(vectors[i], 20);
    ASSERT_TRUE(found.ok());
    for (const VectorMatch& m : *found) ASSERT_EQ(m.label % 2, 1u) << "removed label returned";
  }
  // Re-added with a new vector: found again, by its new vector.
  std::vector<float> fresh = Axis(16, 5);
  ASSERT_TRUE(index->Add(1000, fresh).ok());
  EXPECT_TRUE(index->Contains(1000));
  EXPECT_EQ(index->size(), 151u);
  auto found = index->Search(fresh, 1);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Labels(found), (std::vector<uint64_t>{1000}));
}

TEST(VectorIndexTest, ManyRemovalsRebuildTheGraphFromLiveVectors) {
  std::vector<std::vector<float>> vectors;
  auto index = RandomIndex(3000, 16, &vectors);
  for (uint64_t i = 0; i < 2400; ++i) ASSERT_TRUE(index->Remove(1000 + i).ok());
  EXPECT_EQ(index->size(), 600u);
  int self_found = 0;
  for (size_t i = 2400; i < vectors.size(); ++i) {
    auto found = index->Search(vectors[i], 1);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1u);
    ASSERT_GE((*found)[0].label, 3400u) << "removed label returned";
    if ((*found)[0].label == 1000 + i) ++self_found;
  }
  EXPECT_GE(self_found, 590);
  ASSERT_TRUE(index->Add(1000, vectors[0]).ok());
  EXPECT_EQ(Labels(index->Search(vectors[0], 1)), (std::vector<uint64_t>{1000}));
}

TEST(VectorIndexTest, GrowsBeyondItsInitialCapacity) {
  VectorIndexOptions options;
  options.initial_capacity = 3;
  auto index = MustCreate(8, options);
  std::mt19937 rng(3);
  std::vector<std::vector<float>> vectors;
  for (uint64_t i = 0; i < 200; ++i) {
    vectors.push_back(RandomUnit(rng, 8));
    ASSERT_TRUE(index->Add(i, vectors.back()).ok());
  }
  EXPECT_EQ(index->size(), 200u);
  EXPECT_EQ(Labels(index->Search(vectors[150], 1)), (std::vector<uint64_t>{150}));
}

TEST(VectorIndexTest, ZeroVectorIsAcceptedAndScoresZero) {
  auto index = MustCreate(4);
  ASSERT_TRUE(index->Add(1, std::vector<float>(4, 0.0f)).ok());
  ASSERT_TRUE(index->Add(2, Axis(4, 0)).ok());
  auto found = index->Search(Axis(4, 0), 2);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Labels(found), (std::vector<uint64_t>{2, 1}));
  EXPECT_NEAR((*found)[1].score, 0.0, 1e-6);
  auto from_zero = index->Search(std::vector<float>(4, 0.0f), 2, 0.5f);
  ASSERT_TRUE(from_zero.ok());
  EXPECT_TRUE(from_zero->empty());
}

TEST(VectorIndexTest, WrongDimensionOrNonFiniteIsInvalidArgument) {
  auto index = MustCreate(4);
  EXPECT_EQ(index->Add(1, Axis(3, 0)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Add(1, Axis(5, 0)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Add(1, std::vector<float>{}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Add(1, std::vector<float>{1, NAN, 0, 0}).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Add(1, std::vector<float>{1, INFINITY, 0, 0}).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(index->size(), 0u);
  ASSERT_TRUE(index->Add(1, Axis(4, 0)).ok());
  EXPECT_EQ(index->Search(Axis(8, 0), 1).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Search(std::vector<float>{NAN, 0, 0, 0}, 1).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(VectorIndexTest, BadOptionsAreInvalidArgument) {
  EXPECT_EQ(VectorIndex::Create(0).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(VectorIndex::Create(70000).status().code(), Status::Code::kInvalidArgument);
  VectorIndexOptions bad_m;
  bad_m.m = 1;
  EXPECT_EQ(VectorIndex::Create(8, bad_m).status().code(), Status::Code::kInvalidArgument);
  VectorIndexOptions bad_ef;
  bad_ef.ef_search = 0;
  EXPECT_EQ(VectorIndex::Create(8, bad_ef).status().code(), Status::Code::kInvalidArgument);
}

TEST(VectorIndexTest, SaveAndLoadRoundTrip) {
  TempDir dir;
  std::vector<std::vector<float>> vectors;
  auto index = RandomIndex(500, 24, &vectors);
  for (uint64_t label = 1000; label < 1050; ++label) ASSERT_TRUE(index->Remove(label).ok());
  const auto path = dir / "index.bin";
  ASSERT_TRUE(index->Save(path).ok());

  auto loaded = VectorIndex::Load(path, 24);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), 450u);
  EXPECT_EQ((*loaded)->dimension(), 24);
  EXPECT_FALSE((*loaded)->Contains(1000));
  EXPECT_TRUE((*loaded)->Contains(1499));
  for (size_t i = 0; i < vectors.size(); i += 7) {
    auto before = index->Search(vectors[i], 5);
    auto after = (*loaded)->Search(vectors[i], 5);
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_EQ(Labels(before), Labels(after));
  }
  // The loaded index keeps working and saves again over the same file.
  ASSERT_TRUE((*loaded)->Add(5, Axis(24, 3)).ok());
  ASSERT_TRUE((*loaded)->Remove(1499).ok());
  ASSERT_TRUE((*loaded)->Save(path).ok());
  auto again = VectorIndex::Load(path, 24);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->size(), 450u);
  EXPECT_EQ(Labels((*again)->Search(Axis(24, 3), 1)), (std::vector<uint64_t>{5}));
  EXPECT_FALSE((*again)->Contains(1499));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1)
      << "no temp files left behind";
}

TEST(VectorIndexTest, EmptyIndexRoundTrips) {
  TempDir dir;
  auto index = MustCreate(16);
  ASSERT_TRUE(index->Save(dir / "empty.bin").ok());
  auto loaded = VectorIndex::Load(dir / "empty.bin", 16);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), 0u);
  ASSERT_TRUE((*loaded)->Add(1, Axis(16, 1)).ok());
  EXPECT_EQ(Labels((*loaded)->Search(Axis(16, 1), 3)), (std::vector<uint64_t>{1}));
}

class VectorIndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::vector<float>> vectors;
    auto index = RandomIndex(200, 16, &vectors);
    ASSERT_TRUE(index->Save(good_).ok());
    bytes_ = ReadFile(good_);
  }
  Status LoadBytes(const std::string& bytes, int dimension = 16) {
    WriteFile(bad_, bytes);
    return VectorIndex::Load(bad_, dimension).status();
  }
  TempDir dir_;
  std::filesystem::path good_ = dir_ / "good.bin", bad_ = dir_ / "bad.bin";
  std::string bytes_;
};

TEST_F(VectorIndexFileTest, DamagedFileIsCorruption) {
  for (size_t offset : {size_t{45}, bytes_.size() / 2, bytes_.size() - 1}) {
    std::string damaged = bytes_;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x5A);
    Status st = LoadBytes(damaged);
    EXPECT_EQ(st.code(), Status::Code::kCorruption) << offset << ": " << st.ToString();
    EXPECT_NE(st.message().find("checksum"), std::string::npos) << st.ToString();
  }
}

TEST_F(VectorIndexFileTest, TruncatedFileIsCorruption) {
  for (size_t size : {size_t{0}, size_t{5}, size_t{40}, size_t{100}, bytes_.size() - 1}) {
    Status st = LoadBytes(bytes_.substr(0, size));
    EXPECT_EQ(st.code(), Status::Code::kCorruption) << size << ": " << st.ToString();
    EXPECT_NE(st.message().find("bad.bin"), std::string::npos) << st.ToString();
  }
  Status longer = LoadBytes(bytes_ + "x");
  EXPECT_EQ(longer.code(), Status::Code::kCorruption) << longer.ToString();
}

TEST_F(VectorIndexFileTest, ForeignFileIsCorruption) {
  Status st = LoadBytes(std::string(4096, 'z'));
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("not a vector index"), std::string::npos) << st.ToString();
  std::string future = bytes_;
  future[8] = 2;  // format version
  st = LoadBytes(future);
  EXPECT_EQ(st.code(), Status::Code::kCorruption);
  EXPECT_NE(st.message().find("version 2"), std::string::npos) << st.ToString();
}

TEST_F(VectorIndexFileTest, WrongDimensionIsInvalidArgument) {
  Status st = LoadBytes(bytes_, 32);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("dimension 16, expected 32"), std::string::npos) << st.ToString();
}

TEST_F(VectorIndexFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(VectorIndex::Load(dir_ / "absent.bin", 16).status().code(), Status::Code::kNotFound);
}

TEST_F(VectorIndexFileTest, SaveIntoAMissingDirectoryIsIoError) {
  auto index = MustCreate(16);
  Status st = index->Save(dir_ / "no" / "such" / "dir" / "index.bin");
  EXPECT_EQ(st.code(), Status::Code::kIoError) << st.ToString();
}

TEST(VectorIndexTest, ConcurrentSearchesAlongsideAWriter) {
  std::vector<std::vector<float>> vectors;
  auto index = RandomIndex(2000, 16, &vectors);
  std::vector<std::thread> readers;
  std::vector<int> found_self(3, 0);
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      for (size_t i = 0; i < 500; ++i) {
        auto found = index->Search(vectors[i], 1);
        if (found.ok() && !found->empty() && (*found)[0].label == 1000 + i) ++found_self[t];
      }
    });
  }
  std::mt19937 rng(5);
  for (uint64_t i = 0; i < 500; ++i) ASSERT_TRUE(index->Add(5000 + i, RandomUnit(rng, 16)).ok());
  for (uint64_t i = 1500; i < 2000; ++i) ASSERT_TRUE(index->Remove(1000 + i).ok());
  for (auto& r : readers) r.join();
  for (int hits : found_self) EXPECT_GE(hits, 490);
  EXPECT_EQ(index->size(), 2000u);
}

}  // namespace
}  // namespace da::memory
