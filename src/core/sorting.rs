//! Stable sorting with one copy of the sort algorithm in the binary.
//!
//! `slice::sort_by` is generic over the element type and the comparison, so
//! every call site compiles its own driftsort (about 4 KB of WebAssembly
//! each). These helpers sort a list of positions through a `dyn` comparison
//! (one instance of the algorithm for the whole app) and then move the
//! elements into that order. Same result as `sort_by` / `sort_by_key`:
//! stable, equal elements keep their order.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        sorted_positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    permute(v, order);
}

/// Sorts `v` by the key `key` gives each element, stably (as
/// `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order, stably (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `0..n` sorted stably by `cmp` over positions: the one instance of the
/// sort algorithm.
fn sorted_positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that its element `i` is the former element `order[i]`
/// (`order` a permutation of `0..v.len()`), following each cycle with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no randomness in tests).
    fn numbers(n: usize, seed: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % 17
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        for n in [0, 1, 2, 3, 7, 20, 33, 100, 1000] {
            for seed in 1..4 {
                // (key, original position): equal keys must keep their order.
                let v: Vec<(u64, usize)> = numbers(n, seed).into_iter().zip(0..).collect();
                let mut ours = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut std = v.clone();
                std.sort_by_key(|a| a.0);
                assert_eq!(ours, std, "n = {n}, seed = {seed}");

                let mut by_key = v.clone();
                sort_by_key(&mut by_key, |p| std::cmp::Reverse(p.0));
                let mut std_key = v.clone();
                std_key.sort_by_key(|p| std::cmp::Reverse(p.0));
                assert_eq!(by_key, std_key);

                let mut plain = v.clone();
                sort(&mut plain);
                let mut std_plain = v;
                std_plain.sort();
                assert_eq!(plain, std_plain);
            }
        }
    }

    #[test]
    fn moves_owned_elements_without_losing_any() {
        let mut v: Vec<String> = ["d", "b", "e", "a", "c", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort(&mut v);
        assert_eq!(v, ["a", "b", "b", "c", "d", "e"]);
        let mut rev: Vec<String> = v.clone();
        sort_by(&mut rev, |a, b| b.cmp(a));
        assert_eq!(rev, ["e", "d", "c", "b", "b", "a"]);
    }

    #[test]
    fn permutes_every_cycle() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 2 4) and (1 5), 3 fixed.
        permute(&mut v, vec![2, 5, 4, 3, 0, 1]);
        assert_eq!(v, ['c', 'f', 'e', 'd', 'a', 'b']);
    }
}
