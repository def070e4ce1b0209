#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| quadlet_ls_fuzz::stdio::run(data));
