// Offline config reading is shared with the program and the harness: components/offline owns it.
export { loadEnvironmentConfig } from "../components/offline";
