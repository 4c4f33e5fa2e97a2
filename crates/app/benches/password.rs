//! Cost of one sign-in's password work (argon2id with the platform's parameters).
//! Target: one login ≤ 300 ms.

use criterion::{Criterion, criterion_group, criterion_main};

fn argon2id(c: &mut Criterion) {
    let hash = wujin_app::auth::hash_password("demo12345").expect("hash");
    let mut g = c.benchmark_group("argon2id");
    g.sample_size(20);
    g.bench_function("verify (one sign-in)", |b| {
        b.iter(|| assert!(wujin_app::auth::verify_password("demo12345", &hash)))
    });
    g.bench_function("hash (set a password)", |b| {
        b.iter(|| wujin_app::auth::hash_password("demo12345").expect("hash"))
    });
    g.finish();
}

criterion_group!(benches, argon2id);
criterion_main!(benches);
