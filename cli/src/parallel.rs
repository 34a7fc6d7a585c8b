//! Deflate blocks compressed on every core. Blocks are numbered and put back
//! in order, so the output equals the core's sequential pipeline byte for
//! byte; at most `2 × workers` blocks are in flight, so memory stays flat.

use expert_core::archive::{deflate_block, BlockPipeline};
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

pub struct Threaded {
    jobs: Option<SyncSender<(u64, Vec<u8>)>>,
    done: Receiver<(u64, Vec<u8>)>,
    workers: Vec<JoinHandle<()>>,
    next_in: u64,
    next_out: u64,
    parked: BTreeMap<u64, Vec<u8>>,
    limit: u64,
}

impl Threaded {
    pub fn new() -> Threaded {
        let n = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let (jobs, rx) = sync_channel::<(u64, Vec<u8>)>(n);
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let (done_tx, done): (Sender<(u64, Vec<u8>)>, _) = channel();
        let workers = (0..n)
            .map(|_| {
                let rx = rx.clone();
                let tx = done_tx.clone();
                std::thread::spawn(move || loop {
                    let job = rx.lock().expect("job queue").recv();
                    let Ok((i, block)) = job else { return };
                    if tx.send((i, deflate_block(&block))).is_err() {
                        return;
                    }
                })
            })
            .collect();
        Threaded {
            jobs: Some(jobs),
            done,
            workers,
            next_in: 0,
            next_out: 0,
            parked: BTreeMap::new(),
            limit: 2 * n as u64,
        }
    }

    /// Collects finished fragments; waits while `wait` says so.
    fn collect(&mut self, wait: impl Fn(&Self) -> bool) -> Vec<Vec<u8>> {
        let mut ready = Vec::new();
        loop {
            while let Some(f) = self.parked.remove(&self.next_out) {
                ready.push(f);
                self.next_out += 1;
            }
            if !wait(self) {
                return ready;
            }
            match self.done.recv() {
                Ok((i, f)) => {
                    self.parked.insert(i, f);
                }
                Err(_) => return ready,
            }
        }
    }
}

impl BlockPipeline for Threaded {
    fn push(&mut self, block: Vec<u8>) -> Vec<Vec<u8>> {
        let i = self.next_in;
        self.next_in += 1;
        self.jobs
            .as_ref()
            .expect("not finished")
            .send((i, block))
            .expect("workers alive");
        while let Ok((i, f)) = self.done.try_recv() {
            self.parked.insert(i, f);
        }
        self.collect(|s| s.next_in - s.next_out > s.limit)
    }

    fn finish(&mut self) -> Vec<Vec<u8>> {
        let out = self.collect(|s| s.next_out < s.next_in);
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
        out
    }
}

impl Drop for Threaded {
    fn drop(&mut self) {
        self.jobs = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expert_core::archive::{Sequential, DEFLATE_BLOCK};

    #[test]
    fn threaded_output_equals_sequential_output() {
        let data: Vec<u8> = (0..DEFLATE_BLOCK * 5 + 77)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let run = |p: &mut dyn BlockPipeline| {
            let mut out = Vec::new();
            for chunk in data.chunks(DEFLATE_BLOCK) {
                out.extend(p.push(chunk.to_vec()).concat());
            }
            out.extend(p.finish().concat());
            out
        };
        assert_eq!(run(&mut Threaded::new()), run(&mut Sequential));
    }
}
