import { describeFramework } from "./support/framework-suite.js";

describeFramework("@fastify/session");
