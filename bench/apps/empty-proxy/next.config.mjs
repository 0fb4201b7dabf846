import { benchNextConfig } from "../next.config.shared.mjs";

export default benchNextConfig;
