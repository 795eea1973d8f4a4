import { describeManagement } from "./support/management-suite.js";

describeManagement("@fastify/session");
