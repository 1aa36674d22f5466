//! Cells and pools: private ones live in the engine; shared ones follow the
//! read-copy-update rule of spec §3.6 (readers never wait for a writer's computation;
//! writers lock one cell, or one pool item, for the whole update).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use arc_swap::ArcSwap;

use crate::compile::Compiled;
use crate::value::Value;

/// A pool's items.
pub type Items = BTreeMap<Arc<str>, Value>;

/// A shared cell: readers load the current version; writers hold `write` while they
/// compute the new version and then publish it atomically.
pub struct SharedCell {
    value: ArcSwap<Value>,
    write: Mutex<()>,
}

/// A shared pool: a per-item writer lock, and the item table behind a lock that is only
/// held for the instant of a lookup or a publish (never during an update's computation).
pub struct SharedPool {
    items: RwLock<Items>,
    locks: Mutex<HashMap<Arc<str>, Arc<Mutex<()>>>>,
}

fn relock<'a, T>(
    r: Result<MutexGuard<'a, T>, std::sync::PoisonError<MutexGuard<'a, T>>>,
) -> MutexGuard<'a, T> {
    // Updates never panic while holding a lock; if a host thread did, the data is still
    // a complete old or new version, so continue with it.
    r.unwrap_or_else(|e| e.into_inner())
}

impl SharedCell {
    /// Locks the cell for writing.
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        relock(self.write.lock())
    }
}

impl SharedPool {
    /// Reads one item.
    pub fn get(&self, key: &str) -> Option<Value> {
        let items = self.items.read().unwrap_or_else(|e| e.into_inner());
        items.get(key).cloned()
    }

    /// The writer lock of one item.
    pub fn item_lock(&self, key: &Arc<str>) -> Arc<Mutex<()>> {
        let mut locks = relock(self.locks.lock());
        locks.entry(key.clone()).or_default().clone()
    }

    /// Publishes a new version of one item.
    pub fn put(&self, key: Arc<str>, v: Value) {
        let mut items = self.items.write().unwrap_or_else(|e| e.into_inner());
        items.insert(key, v);
    }

    /// Removes one item.
    pub fn remove(&self, key: &str) {
        let mut items = self.items.write().unwrap_or_else(|e| e.into_inner());
        items.remove(key);
    }

    fn snapshot(&self) -> Items {
        self.items.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// One engine's view of a cell.
pub enum CellSlot {
    /// Thread-local.
    Private(Value),
    /// Shared between instances.
    Shared(Arc<SharedCell>),
}

impl CellSlot {
    /// The current value.
    pub fn get(&self) -> Value {
        match self {
            CellSlot::Private(v) => v.clone(),
            CellSlot::Shared(c) => (**c.value.load()).clone(),
        }
    }

    /// Replaces the value (for shared cells the caller holds the writer lock).
    pub fn set(&mut self, v: Value) {
        match self {
            CellSlot::Private(x) => *x = v,
            CellSlot::Shared(c) => c.value.store(Arc::new(v)),
        }
    }
}

/// One engine's view of a pool.
pub enum PoolSlot {
    /// Thread-local (copy-on-write so rollback copies are cheap).
    Private(Arc<Items>),
    /// Shared between instances.
    Shared(Arc<SharedPool>),
}

impl PoolSlot {
    /// All items (a copy for shared pools).
    pub fn snapshot(&self) -> Arc<Items> {
        match self {
            PoolSlot::Private(m) => m.clone(),
            PoolSlot::Shared(p) => Arc::new(p.snapshot()),
        }
    }
}

/// Shared cells and pools created once per program instantiation.
pub struct SharedState {
    cells: Vec<Option<Arc<SharedCell>>>,
    pools: Vec<Option<Arc<SharedPool>>>,
}

impl SharedState {
    /// Creates the shared cells and pools of a program with their initial values.
    pub fn new(prog: &Compiled) -> SharedState {
        SharedState {
            cells: prog
                .cells
                .iter()
                .map(|c| {
                    c.shared.then(|| {
                        Arc::new(SharedCell {
                            value: ArcSwap::from_pointee(c.init.clone()),
                            write: Mutex::new(()),
                        })
                    })
                })
                .collect(),
            pools: prog
                .pools
                .iter()
                .map(|p| {
                    p.shared.then(|| {
                        Arc::new(SharedPool {
                            items: RwLock::new(p.init.clone()),
                            locks: Mutex::new(HashMap::new()),
                        })
                    })
                })
                .collect(),
        }
    }

    /// Cell views for one instance.
    pub fn cells_for_instance(&self, prog: &Compiled) -> Vec<CellSlot> {
        prog.cells
            .iter()
            .zip(&self.cells)
            .map(|(c, s)| match s {
                Some(s) => CellSlot::Shared(s.clone()),
                None => CellSlot::Private(c.init.clone()),
            })
            .collect()
    }

    /// Pool views for one instance.
    pub fn pools_for_instance(&self, prog: &Compiled) -> Vec<PoolSlot> {
        prog.pools
            .iter()
            .zip(&self.pools)
            .map(|(p, s)| match s {
                Some(s) => PoolSlot::Shared(s.clone()),
                None => PoolSlot::Private(Arc::new(p.init.clone())),
            })
            .collect()
    }
}

/// Values of `rollback` cells and pools at the start of an action.
pub struct Saved {
    cells: Vec<(usize, Value)>,
    pools: Vec<(usize, Arc<Items>)>,
}

impl Saved {
    /// Saves rollback state, or `None` if the program has none.
    pub fn take(prog: &Compiled, cells: &[CellSlot], pools: &[PoolSlot]) -> Option<Saved> {
        let mut s = Saved {
            cells: Vec::new(),
            pools: Vec::new(),
        };
        for (i, c) in prog.cells.iter().enumerate() {
            if c.rollback {
                s.cells.push((i, cells[i].get()));
            }
        }
        for (i, p) in prog.pools.iter().enumerate() {
            if p.rollback {
                s.pools.push((i, pools[i].snapshot()));
            }
        }
        if s.cells.is_empty() && s.pools.is_empty() {
            None
        } else {
            Some(s)
        }
    }

    /// Restores the saved values (rollback is only allowed on private state).
    pub fn restore(self, cells: &mut [CellSlot], pools: &mut [PoolSlot]) {
        for (i, v) in self.cells {
            cells[i].set(v);
        }
        for (i, m) in self.pools {
            pools[i] = PoolSlot::Private(m);
        }
    }
}
