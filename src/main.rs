fn main() {
    runlens::app::start();
}
