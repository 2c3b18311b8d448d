//! Work spread over the cores, with results in input order, so that the output never
//! depends on the number of threads or on which thread ran what.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `f` applied to every item, on up to `available_parallelism` threads. After the first
/// error no new item is started; the error of the lowest-indexed failed item is returned.
pub fn try_map<T, R, E, F>(items: &[T], f: F) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mut done: Vec<(usize, Result<R, E>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        let r = f(item);
                        if r.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        out.push((i, r));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread panicked"))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_reports_errors() {
        let items: Vec<u32> = (0..100).collect();
        let doubled: Result<Vec<u32>, ()> = try_map(&items, |x| Ok(x * 2));
        assert_eq!(
            doubled.unwrap(),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        let r: Result<Vec<u32>, u32> = try_map(&items, |&x| if x == 7 { Err(x) } else { Ok(x) });
        assert_eq!(r.unwrap_err(), 7);
    }
}
