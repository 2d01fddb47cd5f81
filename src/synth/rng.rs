//! A small, hand-written PRNG (xoshiro256** seeded through splitmix64) so the generator's
//! output never changes when a dependency is upgraded.

/// One splitmix64 step: used for seeding and for keyed id scrambling.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed bijection on u64 (each step is invertible), used to turn sequential numbers
/// into ids that differ between agencies without any lookup table.
pub fn scramble(key: u64, x: u64) -> u64 {
    let mut z = x ^ key;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    z = z.wrapping_add(key.rotate_left(17));
    z = (z ^ (z >> 29)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z ^ (z >> 32)
}

#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for one stream, derived from a seed and any number of stream labels.
    pub fn new(seed: u64, labels: &[u64]) -> Rng {
        let mut st = seed ^ 0x5EED_0FC0_FFEE;
        for &l in labels {
            let mut t = st ^ l.wrapping_mul(0xA24B_AED4_963E_E407);
            st = splitmix64(&mut t);
        }
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut st);
        }
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); n must be > 0.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as u64) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// Pick from weighted pairs.
    pub fn pick_w<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|x| x.1).sum();
        let mut r = self.below(total as u64) as u32;
        for &(v, w) in items {
            if r < w {
                return v;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }

    /// Index skewed towards the front (popular names first): roughly Zipf-like.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = self.f64();
        ((u * u * u) * n as f64) as usize % n.max(1)
    }

    /// Exponential-ish duration with the given mean, at least `min`.
    pub fn exp_days(&mut self, mean: f64, min: i64, max: i64) -> i64 {
        let u = self.f64().max(1e-12);
        let d = (-u.ln() * mean) as i64;
        d.clamp(min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_stable_and_distinct() {
        let mut a = Rng::new(1, &[2, 3]);
        let mut b = Rng::new(1, &[2, 3]);
        let mut c = Rng::new(1, &[2, 4]);
        let x: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let y: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        let z: Vec<u64> = (0..4).map(|_| c.next_u64()).collect();
        assert_eq!(x, y);
        assert_ne!(x, z);
        assert_ne!(scramble(1, 5), scramble(2, 5));
    }
}
