//! The app's WebAssembly is linked with its relocations kept
//! (`--emit-relocs`): scripts/split-wasm.mjs, Trunk's post-build hook, needs
//! them to split it into parts. Only the `runlens` binary for wasm32: the
//! layout worker is not split, and binaryen cannot optimise a module that
//! keeps them.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=runlens=--emit-relocs");
    }
}
