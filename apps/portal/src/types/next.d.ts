// What Next's generated next-env.d.ts adds (that file is build output, not committed).
/// <reference types="next" />
/// <reference types="next/image-types/global" />
