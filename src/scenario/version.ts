/** amqpsim's version, as in package.json (a test keeps them equal); written into result.json. */
export const AMQPSIM_VERSION = "0.1.0";
