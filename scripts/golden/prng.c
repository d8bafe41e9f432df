/*
 * Golden vectors for src/kernel/prng.ts and src/kernel/beta-sampler.ts, from an independent C
 * implementation written from the algorithm definitions (SplitMix64 and xoshiro128** 1.1 by
 * Blackman and Vigna, https://prng.di.unimi.it/). It prints JSON on stdout and must never read
 * the TypeScript sources: the point is that two separate programs agree bit for bit.
 *
 * Regenerate (build output stays out of the tree):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -o /tmp/calybris-prng-golden scripts/golden/prng.c
 *   /tmp/calybris-prng-golden > test/vectors/prng.json
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- SplitMix64 (Steele, Lea, Flood 2014; the seeding generator Vigna recommends) ---- */

static uint64_t splitmix64_next(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* ---- xoshiro128** 1.1 (https://prng.di.unimi.it/xoshiro128starstar.c) ---- */

typedef struct {
  uint32_t s[4];
} xoshiro128;

static uint32_t rotl32(uint32_t x, unsigned k) { return (x << k) | (x >> (32u - k)); }

static uint32_t xoshiro_next(xoshiro128 *r) {
  uint32_t *s = r->s;
  const uint32_t result = rotl32(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl32(s[3], 11);
  return result;
}

/* Two SplitMix64 outputs v0, v1 give s = [low32(v0), high32(v0), low32(v1), high32(v1)]. */
static void seed_splitmix64(xoshiro128 *r, uint64_t seed) {
  uint64_t sm = seed;
  const uint64_t v0 = splitmix64_next(&sm);
  const uint64_t v1 = splitmix64_next(&sm);
  r->s[0] = (uint32_t)v0;
  r->s[1] = (uint32_t)(v0 >> 32);
  r->s[2] = (uint32_t)v1;
  r->s[3] = (uint32_t)(v1 >> 32);
}

/* The all-zero state is a fixed point of xoshiro; it is replaced by the state of seed 0. */
static void seed_words(xoshiro128 *r, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  if ((a | b | c | d) == 0) {
    seed_splitmix64(r, 0);
    return;
  }
  r->s[0] = a;
  r->s[1] = b;
  r->s[2] = c;
  r->s[3] = d;
}

/* ---- Exact uniform integer below n, 1 <= n <= 2^32, by rejection (at most 32 tries) ---- */

static uint32_t uniform_below(xoshiro128 *r, uint64_t n) {
  const uint64_t range = UINT64_C(1) << 32;
  const uint64_t limit = range - (range % n);
  uint32_t u = 0;
  for (int attempt = 0; attempt < 32; attempt++) {
    u = xoshiro_next(r);
    if ((uint64_t)u < limit) return (uint32_t)((uint64_t)u % n);
  }
  return (uint32_t)((uint64_t)u % n); /* fallback, probability below 2^-32 */
}

/* ---- Exact Beta(alpha, beta) as the alpha-th smallest of alpha+beta-1 uniform uint32 ----
 * Bit by bit from the top: the count of remaining uniforms with a 0 at this bit is
 * Binomial(n, 1/2), the popcount of n fresh bits (full words, then the low n mod 32 bits of one
 * more word). Once a single uniform is left, its lower bits are the low bits of one fresh word. */

static uint32_t bit_count(uint32_t x) { return (uint32_t)__builtin_popcount(x); }

static uint32_t beta_u32(xoshiro128 *r, uint32_t alpha, uint32_t beta) {
  uint64_t n = (uint64_t)alpha + beta - 1;
  uint64_t k = alpha;
  uint32_t result = 0;
  for (int bit = 31; bit >= 0; bit--) {
    if (n == 1) {
      const uint32_t w = xoshiro_next(r);
      const uint32_t low_mask = (uint32_t)((UINT64_C(1) << (bit + 1)) - 1);
      return result | (w & low_mask);
    }
    uint64_t zeros = 0;
    uint64_t left = n;
    for (; left >= 32; left -= 32) zeros += bit_count(xoshiro_next(r));
    if (left > 0) zeros += bit_count(xoshiro_next(r) & (uint32_t)((UINT64_C(1) << left) - 1));
    if (zeros >= k) {
      n = zeros;
    } else {
      result |= UINT32_C(1) << bit;
      n -= zeros;
      k -= zeros;
    }
  }
  return result;
}

/* ---- JSON output ---- */

static void print_state(const xoshiro128 *r) {
  printf("[%" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 "]", r->s[0], r->s[1], r->s[2], r->s[3]);
}

static void print_u32_list(const uint32_t *values, int count) {
  printf("[");
  for (int i = 0; i < count; i++) printf("%s%" PRIu32, i ? ", " : "", values[i]);
  printf("]");
}

static void emit_splitmix64(void) {
  static const uint64_t seeds[] = {0, 1, 1234567, UINT64_C(0xffffffffffffffff),
                                   UINT64_C(0x0123456789abcdef)};
  const int seed_count = (int)(sizeof seeds / sizeof seeds[0]);
  printf("  \"splitmix64\": [\n");
  for (int i = 0; i < seed_count; i++) {
    uint64_t state = seeds[i];
    printf("    { \"seed\": \"0x%016" PRIx64 "\", \"outputs\": [", seeds[i]);
    for (int j = 0; j < 5; j++) printf("%s\"0x%016" PRIx64 "\"", j ? ", " : "", splitmix64_next(&state));
    printf("], \"stateAfter\": \"0x%016" PRIx64 "\" }%s\n", state, i + 1 < seed_count ? "," : "");
  }
  printf("  ],\n");
}

static void emit_stream(xoshiro128 *r) {
  uint32_t outputs[16];
  printf("\"state\": ");
  print_state(r);
  for (int j = 0; j < 16; j++) outputs[j] = xoshiro_next(r);
  printf(", \"outputs\": ");
  print_u32_list(outputs, 16);
  printf(", \"stateAfter\": ");
  print_state(r);
}

static void emit_seed_words(void) {
  static const uint32_t words[][4] = {
      {1, 2, 3, 4},
      {0, 0, 0, 0},
      {0, 0, 0, 1},
      {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
      /* The first four big-endian words of SHA-256("abc") (FIPS 180-4 example). */
      {0xba7816bfu, 0x8f01cfeau, 0x414140deu, 0x5dae2223u},
  };
  const int count = (int)(sizeof words / sizeof words[0]);
  printf("  \"xoshiroSeedWords\": [\n");
  for (int i = 0; i < count; i++) {
    xoshiro128 r;
    seed_words(&r, words[i][0], words[i][1], words[i][2], words[i][3]);
    printf("    { \"words\": ");
    print_u32_list(words[i], 4);
    printf(", ");
    emit_stream(&r);
    printf(" }%s\n", i + 1 < count ? "," : "");
  }
  printf("  ],\n");
}

static void emit_seed_splitmix64(void) {
  static const uint64_t seeds[] = {0, 1, 42, 1234567, UINT64_C(0xffffffffffffffff)};
  const int count = (int)(sizeof seeds / sizeof seeds[0]);
  printf("  \"xoshiroSeedSplitmix64\": [\n");
  for (int i = 0; i < count; i++) {
    xoshiro128 r;
    seed_splitmix64(&r, seeds[i]);
    printf("    { \"seed\": \"0x%016" PRIx64 "\", ", seeds[i]);
    emit_stream(&r);
    printf(" }%s\n", i + 1 < count ? "," : "");
  }
  printf("  ],\n");
}

static void emit_uniform_below(void) {
  /* 2^31 + 1 rejects almost half of all words, so its sequence pins the rejection path. */
  static const uint64_t bounds[] = {1, 2, 3, 7, 22, 10000, UINT64_C(0x80000000), UINT64_C(0x80000001),
                                    UINT64_C(0xfffffffe), UINT64_C(0x100000000)};
  const int count = (int)(sizeof bounds / sizeof bounds[0]);
  printf("  \"uniformBelow\": [\n");
  for (int i = 0; i < count; i++) {
    const uint64_t seed = UINT64_C(0xc0ffee) + (uint64_t)i;
    xoshiro128 r;
    uint32_t outputs[32];
    seed_splitmix64(&r, seed);
    for (int j = 0; j < 32; j++) outputs[j] = uniform_below(&r, bounds[i]);
    printf("    { \"n\": %" PRIu64 ", \"seed\": \"0x%016" PRIx64 "\", \"outputs\": ", bounds[i], seed);
    print_u32_list(outputs, 32);
    printf(", \"nextU32After\": %" PRIu32 " }%s\n", xoshiro_next(&r), i + 1 < count ? "," : "");
  }
  printf("  ],\n");
}

static void emit_beta(void) {
  static const struct {
    uint32_t alpha, beta;
    uint64_t seed;
  } cases[] = {
      {1, 1, 1},       {1, 1, 7},        {2, 1, 3},        {1, 2, 3},
      {72, 28, 1},     {72, 28, 99},     {1, 1000, 5},     {1000, 1, 5},
      {3000, 5000, 11}, {33, 1, 2},      {1, 32, 2},       {17, 17, 0x5eed},
      {16777216, 1, 4}, {1, 16777216, 4},
  };
  const int count = (int)(sizeof cases / sizeof cases[0]);
  printf("  \"betaU32\": [\n");
  for (int i = 0; i < count; i++) {
    xoshiro128 r;
    uint32_t draws[8];
    /* The two largest cases are slow-ish (about 2^20 words per draw), so they get two draws. */
    const int draw_count = cases[i].alpha + cases[i].beta > 100000 ? 2 : 8;
    seed_splitmix64(&r, cases[i].seed);
    for (int j = 0; j < draw_count; j++) draws[j] = beta_u32(&r, cases[i].alpha, cases[i].beta);
    printf("    { \"alpha\": %" PRIu32 ", \"beta\": %" PRIu32 ", \"seed\": \"0x%016" PRIx64 "\", \"draws\": ",
           cases[i].alpha, cases[i].beta, cases[i].seed);
    print_u32_list(draws, draw_count);
    printf(", \"nextU32After\": %" PRIu32 " }%s\n", xoshiro_next(&r), i + 1 < count ? "," : "");
  }
  printf("  ],\n");
}

static void emit_bps_and_popcount(void) {
  static const uint32_t values[] = {0,          1,          429496,     429497,     0x7fffffffu,
                                    0x80000000u, 0xb8000000u, 0xfffe7960u, 0xffffffffu, 0x12345678u};
  const int count = (int)(sizeof values / sizeof values[0]);
  printf("  \"u32ToBps\": [");
  for (int i = 0; i < count; i++)
    printf("%s[%" PRIu32 ", %" PRIu64 "]", i ? ", " : "", values[i], ((uint64_t)values[i] * 10000) >> 32);
  printf("],\n  \"popcount32\": [");
  for (int i = 0; i < count; i++) printf("%s[%" PRIu32 ", %" PRIu32 "]", i ? ", " : "", values[i], bit_count(values[i]));
  printf("]\n");
}

/* The published first outputs for seed 1234567 (Rosetta Code "Pseudo-random numbers/Splitmix64")
 * anchor this program to the outside world before it prints anything. */
static void check_published_splitmix64(void) {
  uint64_t state = 1234567;
  if (splitmix64_next(&state) != UINT64_C(6457827717110365317) ||
      splitmix64_next(&state) != UINT64_C(3203168211198807973)) {
    fprintf(stderr, "splitmix64 disagrees with the published vectors\n");
    exit(1);
  }
}

int main(void) {
  check_published_splitmix64();
  printf("{\n");
  printf("  \"source\": \"Generated by scripts/golden/prng.c, an independent C11 implementation of SplitMix64 "
         "and xoshiro128** 1.1 (Blackman and Vigna, https://prng.di.unimi.it/), the rejection sampler and the "
         "bitwise order-statistic Beta sampler: gcc -std=c11 -O2 -Wall -Wextra -Werror -o "
         "/tmp/calybris-prng-golden scripts/golden/prng.c && /tmp/calybris-prng-golden > test/vectors/prng.json. "
         "64-bit values are hex strings; uint32 values are JSON numbers.\",\n");
  emit_splitmix64();
  emit_seed_words();
  emit_seed_splitmix64();
  emit_uniform_below();
  emit_beta();
  emit_bps_and_popcount();
  printf("}\n");
  return 0;
}
