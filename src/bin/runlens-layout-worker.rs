//! The layout web worker (built by Trunk from index.html's
//! `data-type="worker"` link): answers each request from the page, a
//! `core::layout_job` request as a `Float64Array`, with its layout in the
//! same form, so a big lineage is laid out without freezing the page.
//! A list that is not a request is answered with an empty list.

#[cfg(target_arch = "wasm32")]
fn main() {
    use runlens::core::layout_job::{encode_layout, Request};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |m: MessageEvent| {
        let data = js_sys::Float64Array::new(&m.data()).to_vec();
        let answer = match Request::decode(&data) {
            Some((job, request)) => encode_layout(job, &request.run()),
            None => Vec::new(),
        };
        let out = js_sys::Float64Array::from(&answer[..]);
        let _ = reply.post_message_with_transfer(&out, &js_sys::Array::of1(&out.buffer()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages sent before the wasm started would be lost: the page waits for this.
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "runlens-layout-worker runs in a browser, as a web worker built by Trunk (see index.html)"
    );
    std::process::exit(2);
}
