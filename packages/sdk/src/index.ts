export { DEFAULT_IMAGE_REF, getImageRef } from "./image.js";
