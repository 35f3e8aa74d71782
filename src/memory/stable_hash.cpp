#include "memory/stable_hash.h"

namespace da::memory {
namespace {

uint64_t LoadLittleEndian64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

uint64_t StableHash64(std::string_view bytes, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  uint64_t h = seed ^ (n * m);
  const size_t blocks = n / 8;
  for (size_t i = 0; i < blocks; ++i) {
    uint64_t k = LoadLittleEndian64(p + 8 * i);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const unsigned char* tail = p + 8 * blocks;
  switch (n & 7) {
    case 7: h ^= uint64_t{tail[6]} << 48; [[fallthrough]];
    case 6: h ^= uint64_t{tail[5]} << 40; [[fallthrough]];
    case 5: h ^= uint64_t{tail[4]} << 32; [[fallthrough]];
    case 4: h ^= uint64_t{tail[3]} << 24; [[fallthrough]];
    case 3: h ^= uint64_t{tail[2]} << 16; [[fallthrough]];
    case 2: h ^= uint64_t{tail[1]} << 8; [[fallthrough]];
    case 1:
      h ^= uint64_t{tail[0]};
      h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

}  // namespace da::memory
