import { describeFramework } from "./support/framework-suite.js";

describeFramework("express-session");
