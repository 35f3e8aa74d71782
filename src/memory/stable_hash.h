// A 64-bit hash whose value is the same on every platform, compiler and run (std::hash
// promises none of that), for anything the memory module persists or derives vectors from.
#pragma once

#include <cstdint>
#include <string_view>

namespace da::memory {

// MurmurHash64A (Austin Appleby, public domain) over `bytes`, reading 8-byte words as
// little-endian so big- and little-endian machines agree. Not cryptographic: it detects
// accidental damage and spreads features, nothing more. Never change it: stored index
// checksums and the built-in embedder's vectors (TextEmbedder::id) depend on its values.
uint64_t StableHash64(std::string_view bytes, uint64_t seed = 0);

}  // namespace da::memory
