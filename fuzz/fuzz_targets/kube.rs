#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| quadlet_ls_fuzz::kube::run(data));
