import { describeManagement } from "./support/management-suite.js";

describeManagement("express-session");
